"""A stored incident whose postmortem has action items, made through the real CLI (the
postmortem saved by `hindsight postmortem edit` with an editor that writes the table)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app

runner = CliRunner()

TABLE = """| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| priya | Add a CI test for pool limits | prevent | 2026-04-01 | |
| jonas | Alert on pool saturation | detect | 2026-03-01 | |
| ana | Document the failover | process | 2026-03-20 | OPS-9 |
| <name> | <…> | … | … | … |
"""

EDITOR = """import sys, pathlib
p = pathlib.Path(sys.argv[1])
text = p.read_text()
head, _, tail = text.partition("## Action items")
rest = tail.split("\\n## ", 1)
table = pathlib.Path({table!r}).read_text()
p.write_text(head + "## Action items\\n\\n" + table + "\\n## " + rest[1])
"""


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, (result.stdout, result.stderr)
    return result.stdout


def incident_with_items(
    monkeypatch: pytest.MonkeyPatch, folder: Path, title: str = "Pool exhausted", table: str = TABLE
) -> str:
    """A new incident (service `db`) whose postmortem holds `table`; its slug."""
    table_file = folder / "table.md"
    table_file.write_text(table, encoding="utf-8")
    editor = folder / "editor.py"
    editor.write_text(EDITOR.format(table=str(table_file)), encoding="utf-8")
    monkeypatch.setenv("HINDSIGHT_EDITOR", f"{sys.executable} {editor}")
    slug = run("incident", "new", title, "--service", "db").split()[1]
    assert "saved version" in run("postmortem", "edit", slug)
    return slug
