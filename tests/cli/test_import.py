"""`hindsight import` end to end."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hindsight.cli.app import app

runner = CliRunner()
FIXTURES = Path(__file__).parents[1] / "core" / "importing" / "fixtures"


def test_import_prints_canonical_markdown_and_findings() -> None:
    result = runner.invoke(app, ["import", str(FIXTURES / "setext.md")])
    assert result.exit_code == 0, result.output
    assert "## Timeline\n\nAll times PDT." in result.stdout
    assert "setext.md:17: IP011 warning" in result.stderr


def test_import_folder_to_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "imported"
    result = runner.invoke(app, ["import", str(FIXTURES), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in FIXTURES.glob("*.md"))
    again = runner.invoke(app, ["import", str(FIXTURES), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.stderr
    assert runner.invoke(app, ["import", str(FIXTURES), "-o", str(out), "--force"]).exit_code == 0


def test_import_json() -> None:
    result = runner.invoke(app, ["import", str(FIXTURES / "table_timeline.md"), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)["documents"][0]
    assert document["timeline_rows"] == 5
    assert document["facts"]["date"] == "2024-03-12"
    assert {
        "code": "IP013",
        "level": "info",
        "line": 14,
        "message": "the time of this row is not known",
    } in document["findings"]


def test_import_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["import", str(tmp_path / "missing.md")]).exit_code == 2
    assert runner.invoke(app, ["import", str(tmp_path)]).exit_code == 2  # no Markdown inside
    bad = runner.invoke(app, ["import", str(FIXTURES / "setext.md"), "--format", "xml"])
    assert bad.exit_code == 2
