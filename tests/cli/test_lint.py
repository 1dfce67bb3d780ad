"""`hindsight lint` and `hindsight rules`: exit codes, formats, folders and config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from tests.core.checks.base import base_text

runner = CliRunner()


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.md"
    path.write_text(base_text())
    return path


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    path = tmp_path / "warned.md"
    path.write_text(base_text().replace("| Add a CI check", "| Better CI checks"))
    return path


@pytest.fixture
def failing(tmp_path: Path) -> Path:
    path = tmp_path / "failing.md"
    path.write_text(base_text().replace("| Priya Raman  | Add", "| The team     | Add"))
    return path


def test_clean_exits_0(good: Path) -> None:
    result = runner.invoke(app, ["lint", str(good), "--no-config"])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.output


def test_errors_exit_1_and_warnings_only_with_fail_on(failing: Path, warned: Path) -> None:
    result = runner.invoke(app, ["lint", str(failing), "--no-config"])
    assert result.exit_code == 1 and "AC002 action-owner-group" in result.output
    lenient = runner.invoke(app, ["lint", str(warned), "--no-config", "--fail-on", "error"])
    assert lenient.exit_code == 0
    strict = runner.invoke(app, ["lint", str(warned), "--no-config", "--fail-on", "warning"])
    assert strict.exit_code == 1
    never = runner.invoke(app, ["lint", str(failing), "--no-config", "--fail-on", "never"])
    assert never.exit_code == 0


@pytest.mark.parametrize(("status", "code"), [("Draft", 0), ("In review", 1), ("Published", 1)])
def test_by_default_warnings_fail_once_a_document_is_in_review(
    tmp_path: Path, status: str, code: int
) -> None:
    text = base_text().replace("| Add a CI check", "| Better CI checks")
    path = tmp_path / "doc.md"
    path.write_text(_with_status(text, status))
    result = runner.invoke(app, ["lint", str(path), "--no-config"])
    assert result.exit_code == code, result.output
    assert "1 warning" in result.output and "0 errors" in result.output
    config = tmp_path / "hindsight.toml"
    config.write_text('[lint]\nfail-on = "error"\n')
    assert runner.invoke(app, ["lint", str(path)]).exit_code == 0  # the config overrides


def _with_status(text: str, status: str) -> str:
    lines = [
        f"**Status:** {status}" if line.startswith("**Status:**") else line
        for line in text.splitlines()
    ]
    return "\n".join(lines) + "\n"


def test_usage_and_input_errors_exit_2(tmp_path: Path, good: Path) -> None:
    assert runner.invoke(app, ["lint", str(tmp_path / "missing.md")]).exit_code == 2
    assert runner.invoke(app, ["lint", str(good), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["lint", str(good), "--select", "ZZ"]).exit_code == 2
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\x00\x01")
    assert runner.invoke(app, ["lint", str(binary)]).exit_code == 2


def test_folder_json_and_select(tmp_path: Path, good: Path, failing: Path) -> None:
    result = runner.invoke(app, ["lint", str(tmp_path), "--format", "json", "--no-config"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert [Path(f["path"]).name for f in data["files"]] == ["failing.md", "good.md"]
    only_bl = runner.invoke(app, ["lint", str(tmp_path), "--select", "BL", "--no-config"])
    assert only_bl.exit_code == 0


def test_config_file_is_found_and_validated(tmp_path: Path, failing: Path) -> None:
    demoted = '[lint]\nseverity = { AC002 = "warning" }\n'
    (tmp_path / "hindsight.toml").write_text(demoted)
    assert runner.invoke(app, ["lint", str(failing)]).exit_code == 1  # Published: warnings fail
    (tmp_path / "hindsight.toml").write_text(demoted + 'fail-on = "error"\n')
    assert runner.invoke(app, ["lint", str(failing)]).exit_code == 0
    (tmp_path / "hindsight.toml").write_text('[lint]\nseverity = { AC002 = "fatal" }\n')
    bad = runner.invoke(app, ["lint", str(failing)])
    assert bad.exit_code == 2 and "lint.severity.AC002" in bad.output


def test_sarif_and_github_formats(failing: Path) -> None:
    sarif = runner.invoke(app, ["lint", str(failing), "--format", "sarif", "--no-config"])
    assert json.loads(sarif.output)["runs"][0]["results"][0]["ruleId"] == "AC002"
    github = runner.invoke(app, ["lint", str(failing), "-f", "github", "--no-config"])
    assert github.output.startswith("::error file=")


def test_rules_list_explain_and_docs(tmp_path: Path) -> None:
    listing = runner.invoke(app, ["rules"])
    assert listing.exit_code == 0 and "AC001  action-owner-missing" in listing.output
    as_json = json.loads(runner.invoke(app, ["rules", "--format", "json"]).output)
    assert {r["code"] for r in as_json} >= {"BL001", "TL005"}
    explained = runner.invoke(app, ["rules", "explain", "person-as-cause"])
    assert explained.exit_code == 0 and "## Use instead" in explained.output
    assert runner.invoke(app, ["rules", "explain", "XX000"]).exit_code == 2
    docs = tmp_path / "rules"
    assert runner.invoke(app, ["rules", "--docs", str(docs), "--check"]).exit_code == 1
    assert runner.invoke(app, ["rules", "--docs", str(docs)]).exit_code == 0
    assert runner.invoke(app, ["rules", "--docs", str(docs), "--check"]).exit_code == 0
