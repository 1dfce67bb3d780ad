"""Plain text: `file:line:col CODE name message`, one finding a line, coloured on a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from hindsight.core.checks import Metric, Severity
from hindsight.report.registry import FileResult, register_format

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"
_LABELS = {"detection_gap": "cause→detection gap", "time_to_resolve": "time to resolve"}


def _metric(metric: Metric) -> str:
    label = _LABELS.get(metric.name, metric.name.replace("_", " "))
    detail = f" ({metric.detail})" if metric.detail else ""
    return f"{label} {metric.value:g} {metric.unit}{detail}"


@register_format("text")
def render_text(files: Sequence[FileResult], color: bool = False) -> str:
    lines: list[str] = []
    totals = dict.fromkeys(Severity, 0)
    for file in files:
        for d in file.result.diagnostics:
            totals[d.severity] += 1
            where = f"{file.path}:{d.line}:{d.column}"
            code = f"{d.code} {d.name}"
            if color:
                where = f"{_BOLD}{where}{_RESET}"
                code = f"{_COLOURS[d.severity]}{d.code}{_RESET} {_DIM}{d.name}{_RESET}"
            suffix = f" (confidence {d.confidence:.2f})" if d.confidence < 1.0 else ""
            lines.append(f"{where} {code} {d.message}{suffix}")
            if d.suggestion:
                lines.append(f"    suggestion: {d.suggestion}")
        if file.result.metrics:
            lines.append(f"{file.path}: " + "; ".join(_metric(m) for m in file.result.metrics))
    count = sum(totals.values())
    noun = "file" if len(files) == 1 else "files"
    if count == 0:
        lines.append(f"{len(files)} {noun} checked: no findings")
    else:
        parts = [f"{totals[s]} {s.value}{'s' if totals[s] != 1 else ''}" for s in Severity]
        lines.append(f"{len(files)} {noun} checked: {', '.join(parts)}")
    return "\n".join(lines) + "\n"
