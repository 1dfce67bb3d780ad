"""`hindsight new | fmt | show | sample` end to end, including bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from hindsight.core.document import parse
from hindsight.core.document.template import TEMPLATE

runner = CliRunner()


def test_version_and_module_entry_point() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hindsight", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("hindsight ")


def test_every_command_has_help() -> None:
    for command in ["new", "fmt", "show", "sample"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0, command
        assert "Usage" in result.output


def test_new_writes_the_template_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "pm.md"
    args = ["new", "cache stampede", "--severity", "SEV-2", "--date", "2026-01-02", "-o"]
    result = runner.invoke(app, [*args, str(target)])
    assert result.exit_code == 0, result.output
    document = parse(target.read_text())
    assert document.field_value("Severity") == "SEV-2"
    assert [s.heading for s in document.sections] == [s.heading for s in parse(TEMPLATE).sections]
    before = target.read_text()
    again = runner.invoke(app, [*args, str(target)])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert target.read_text() == before
    assert list(tmp_path.iterdir()) == [target], "no temporary files left behind"


def test_new_rejects_bad_severity_and_date(tmp_path: Path) -> None:
    bad = runner.invoke(app, ["new", "x", "--severity", "P1", "-o", str(tmp_path / "a.md")])
    assert bad.exit_code == 2 and "SEV-1, SEV-2, SEV-3" in bad.output
    bad = runner.invoke(app, ["new", "x", "--date", "14/03/2026", "-o", str(tmp_path / "a.md")])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output
    assert not (tmp_path / "a.md").exists()


def test_fmt_check_diff_and_rewrite(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text("Title\n=====\n\n* one\n* two\n")
    check = runner.invoke(app, ["fmt", "--check", str(path)])
    assert check.exit_code == 1
    diff = runner.invoke(app, ["fmt", "--diff", str(path)])
    assert diff.exit_code == 1 and "+# Title" in diff.output
    assert path.read_text() == "Title\n=====\n\n* one\n* two\n", "--check/--diff change nothing"
    assert runner.invoke(app, ["fmt", str(path)]).exit_code == 0
    assert path.read_text() == "# Title\n\n- one\n- two\n"
    assert runner.invoke(app, ["fmt", "--check", str(path)]).exit_code == 0


def test_show_json_has_a_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(TEMPLATE)
    result = runner.invoke(app, ["show", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "hindsight.document/1"
    assert data["sections"][0]["kind"] == "summary"
    assert data["header"]["Severity"] == "SEV-1 / SEV-2 / SEV-3"


def test_bad_files_get_clear_errors(tmp_path: Path) -> None:
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    latin = tmp_path / "latin.md"
    latin.write_bytes("caf\xe9\n".encode("latin-1"))
    huge = tmp_path / "huge.md"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    cases = {
        binary: "binary file",
        latin: "not valid UTF-8",
        huge: "50.0 MiB",
        tmp_path / "missing.md": "no such file",
    }
    for path, message in cases.items():
        for command in (["show"], ["fmt", "--check"]):
            result = runner.invoke(app, [*command, str(path)])
            assert result.exit_code == 2, (path, result.output)
            assert message in result.output and str(path) in result.output
            assert "Traceback" not in result.output


def test_empty_file_is_a_sane_result(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("")
    result = runner.invoke(app, ["show", "--format", "json", str(empty)])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["sections"] == []
    assert runner.invoke(app, ["fmt", "--check", str(empty)]).exit_code == 0


def test_sample_prints_and_writes(tmp_path: Path) -> None:
    out = tmp_path / "sample.md"
    result = runner.invoke(app, ["sample", "-o", str(out)])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Postmortem: checkout-api")
    assert out.read_text() == result.stdout


def test_fmt_takes_folders(tmp_path: Path) -> None:
    (tmp_path / "team" / "2026").mkdir(parents=True)
    messy = tmp_path / "team" / "2026" / "a.md"
    messy.write_text("Title\n=====\n")
    (tmp_path / "team" / "b.md").write_text("# Fine\n")
    (tmp_path / "notes.txt").write_text("not markdown")
    result = runner.invoke(app, ["fmt", "--check", str(tmp_path)])
    assert result.exit_code == 1
    assert "a.md" in result.output and "b.md" not in result.output
    assert runner.invoke(app, ["fmt", str(tmp_path)]).exit_code == 0
    assert messy.read_text() == "# Title\n"
    assert runner.invoke(app, ["fmt", "--check", str(tmp_path)]).exit_code == 0


def test_show_on_a_folder_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["show", str(tmp_path)])
    assert result.exit_code == 2 and "is a folder" in result.output


def test_new_writes_into_the_configured_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hindsight.toml").write_text(
        '[files]\nfolder = "postmortems"\nname = "{date}-{slug}.md"\n', encoding="utf-8"
    )
    inside = tmp_path / "deep" / "er"
    inside.mkdir(parents=True)
    monkeypatch.chdir(inside)  # the config is found above the working directory
    result = CliRunner().invoke(app, ["new", "Checkout broke!", "--date", "2026-03-14"])
    assert result.exit_code == 0, result.output
    written = tmp_path / "postmortems" / "2026-03-14-checkout-broke.md"
    assert written.is_file() and written.read_text("utf-8").startswith("# Postmortem: Checkout")
    again = CliRunner().invoke(app, ["new", "Checkout broke!", "--date", "2026-03-14"])
    assert again.exit_code == 2  # never overwrites


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[files]\nname = "{date}-{title}.md"\n', "uses title"),
        ('[files]\nname = "{date}.txt"\n', "ending in .md"),
        ("[files]\nfolder = 3\n", "folder must be"),
        ('[files]\nfloder = "x"\n', "unknown key 'floder'"),
    ],
)
def test_files_config_is_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, message: str
) -> None:
    (tmp_path / "hindsight.toml").write_text(table, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["new", "x", "--date", "2026-03-14"])
    assert result.exit_code == 2 and message in result.output
