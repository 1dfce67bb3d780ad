"""GitHub Actions workflow commands: `::error file=…,line=…::message`, shown on the diff."""

from __future__ import annotations

from collections.abc import Sequence

from hindsight.core.checks import Severity
from hindsight.report.registry import FileResult, register_format

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


@register_format("github")
def render_github(files: Sequence[FileResult], color: bool = False) -> str:
    lines: list[str] = []
    for file in files:
        for d in file.result.diagnostics:
            properties = ",".join(
                [
                    f"file={_property(file.path)}",
                    f"line={d.line}",
                    f"col={d.column}",
                    f"title={_property(f'{d.code} {d.name}')}",
                ]
            )
            message = d.message + (f" — suggestion: {d.suggestion}" if d.suggestion else "")
            lines.append(f"::{_COMMANDS[d.severity]} {properties}::{_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")
