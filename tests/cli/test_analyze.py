"""`hindsight analyze` end to end on a folder of generated postmortems."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from hindsight.core.analysis.synthetic import generate

runner = CliRunner()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("postmortems")
    for doc in generate(150, seed=5):
        (path / doc.name).write_text(doc.text, encoding="utf-8")
    return path


def test_markdown_roadmap(folder: Path) -> None:
    result = runner.invoke(
        app, ["analyze", str(folder), "--handoff", "16:00", "--today", "2026-01-01"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Reliability roadmap")
    assert "16:00 handoff" in result.stdout and "ledger-service" in result.stdout
    assert "analysed 150 incidents" in result.stderr


def test_html_and_json_to_files(folder: Path, tmp_path: Path) -> None:
    page = tmp_path / "roadmap.html"
    assert (
        runner.invoke(app, ["analyze", str(folder), "--format", "html", "-o", str(page)]).exit_code
        == 0
    )
    assert "<svg" in page.read_text(encoding="utf-8")
    result = runner.invoke(
        app, ["analyze", str(folder), "--format", "json", "--since", "2025-01-01"]
    )
    data = json.loads(result.stdout)
    assert data["since"] == "2025-01-01" and 0 < data["incidents"] < 150


@pytest.mark.parametrize(
    "args",
    [["--since", "yesterday"], ["--format", "pdf"], ["--handoff", "4pm"], ["--today", "x"]],
)
def test_bad_options_exit_2(folder: Path, args: list[str]) -> None:
    result = runner.invoke(app, ["analyze", str(folder), *args])
    assert result.exit_code == 2
    assert "error:" in result.stderr


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    assert runner.invoke(app, ["analyze", str(tmp_path)]).exit_code == 2
