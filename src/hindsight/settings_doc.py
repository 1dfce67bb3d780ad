"""docs/config.md, generated from the settings themselves (`python -m hindsight.settings_doc`)."""

from __future__ import annotations

import sys
from pathlib import Path

from pydantic import AliasChoices

from hindsight.settings import Settings

HEADER = """\
# Configuration

The server and the store-backed commands read `HINDSIGHT_*` environment variables; nothing else
reads the environment. The linter's options live in `hindsight.toml` (`[lint]`) or
`pyproject.toml` (`[tool.hindsight.lint]`), see [rules/index.md](rules/index.md); drafting's
impact queries in `hindsight.toml` (`[impact.prometheus]`, `[impact.services.<name>]`).

This page is generated from `hindsight.settings.Settings`
(`python -m hindsight.settings_doc > docs/config.md`); a test fails when they disagree.

| variable | default | meaning |
| -------- | ------- | ------- |
"""


def _names(name: str, alias: object) -> str:
    if isinstance(alias, AliasChoices):
        return ", ".join(f"`{choice}`" for choice in alias.choices if isinstance(choice, str))
    return f"`HINDSIGHT_{name.upper()}`"


def reference() -> str:
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        shown = "(unset)" if default is None else f"`{default}`"
        text = " ".join((field.description or "").split()).replace("|", "\\|")
        rows.append(f"| {_names(name, field.validation_alias)} | {shown} | {text} |")
    return HEADER + "\n".join(rows) + "\n"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        Path(sys.argv[1]).write_text(reference(), encoding="utf-8")
    else:
        sys.stdout.write(reference())
