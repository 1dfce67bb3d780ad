"""`hindsight lint --fix [--diff]`: safe fixes written atomically, or shown as a diff."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from hindsight.cli.app import app
from tests.core.checks.base import base_text

runner = CliRunner()


def _disordered() -> str:
    return base_text().replace(
        "**Status:** Published\n**Severity:** SEV-2\n",
        "**Severity:** SEV-2\n**Status:** Published\n",
    )


def test_fix_writes_and_reports_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(_disordered(), encoding="utf-8")
    result = runner.invoke(app, ["lint", "--fix", "--no-config", "--fail-on", "warning", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text("utf-8") == base_text()
    assert not [p for p in os.listdir(tmp_path) if p != "pm.md"]  # no temporary file left
    again = runner.invoke(app, ["lint", "--fix", "--no-config", str(path)])
    assert again.exit_code == 0 and "fixed" not in again.output


def test_diff_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(_disordered(), encoding="utf-8")
    result = runner.invoke(app, ["lint", "--fix", "--diff", "--no-config", str(path)])
    assert result.exit_code == 1
    assert "+**Status:** Published" in result.output and "-**Status:** Published" in result.output
    assert path.read_text("utf-8") == _disordered()
    clean = tmp_path / "clean.md"
    clean.write_text(base_text(), encoding="utf-8")
    assert runner.invoke(app, ["lint", "--fix", "--diff", str(clean)]).exit_code == 0


def test_diff_needs_fix(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(base_text(), encoding="utf-8")
    result = runner.invoke(app, ["lint", "--diff", str(path)])
    assert result.exit_code == 2 and "--diff needs --fix" in result.output


def test_fix_follows_config(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(_disordered(), encoding="utf-8")
    (tmp_path / "hindsight.toml").write_text('[lint]\nignore = ["ST005"]\n', encoding="utf-8")
    runner.invoke(app, ["lint", "--fix", str(path)])
    assert path.read_text("utf-8") == _disordered()  # an ignored rule is not fixed either


def test_rules_listing_says_which_are_fixable() -> None:
    import json

    listing = json.loads(runner.invoke(app, ["rules", "--format", "json"]).output)
    fixable = {r["code"] for r in listing if r["fixable"]}
    assert fixable == {"ST003", "ST005"}
    page = runner.invoke(app, ["rules", "explain", "ST005"]).output
    assert "- Fixable: yes" in page
    assert "- Fixable: no" in runner.invoke(app, ["rules", "explain", "BL001"]).output
