"""What a newcomer meets first: the sample evidence, `--help`, piping into `head`, counted nouns."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import typer

from hindsight.cli.app import COMMANDS, build_app
from hindsight.cli.help_text import readable_metavars
from hindsight.core.plural import plural
from hindsight.samples import sample_evidence

HINDSIGHT = [sys.executable, "-m", "hindsight"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HINDSIGHT, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def test_sample_evidence_is_written_and_reads_back_as_a_timeline(tmp_path: Path) -> None:
    done = run("sample", "--evidence", "evidence", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = sorted(p.relative_to(tmp_path / "evidence").as_posix() for p in tmp_path.rglob("*.*"))
    assert written == sorted(name for _, name, _ in sample_evidence())
    with zipfile.ZipFile(tmp_path / "evidence/slack/export.zip") as archive:
        assert "channels.json" in archive.namelist()
    timeline = run("timeline", "evidence/", cwd=tmp_path)
    assert timeline.returncode == 0, timeline.stderr
    for source in ("(alertmanager)", "(pagerduty)", "(slack)", "(github)", "(opsgenie)"):
        assert source in timeline.stdout


def test_sample_evidence_never_overwrites(tmp_path: Path) -> None:
    assert run("sample", "--evidence", "ev", cwd=tmp_path).returncode == 0
    before = (tmp_path / "ev/alertmanager/01-firing.json").read_bytes()
    (tmp_path / "ev/alertmanager/01-firing.json").write_text("mine")
    again = run("sample", "--evidence", "ev", cwd=tmp_path)
    assert again.returncode == 2
    assert "already there" in again.stderr and "fix:" in again.stderr
    assert (tmp_path / "ev/alertmanager/01-firing.json").read_text() == "mine" != before.decode()


@pytest.mark.parametrize("args", [["rules"], ["sample"], ["rules", "explain", "BL003"], ["--help"]])
def test_a_closed_pipe_ends_quietly(tmp_path: Path, args: list[str]) -> None:
    # `| head -1`: the reader closes the pipe after one line.
    command = " ".join([*HINDSIGHT, *args]) + " | head -c 1 >/dev/null; echo ${PIPESTATUS[0]}"
    done = subprocess.run(
        ["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert "BrokenPipe" not in done.stderr and "internal error" not in done.stderr
    assert done.stderr == ""
    assert done.stdout.strip() in {"0", "1"}  # Click's own --help ends with 1 on a closed pipe


def test_help_names_values_not_python_types() -> None:
    command = typer.main.get_command(build_app())
    readable_metavars(command)
    for name in dict.fromkeys(COMMANDS):
        sub = command.commands[name]  # type: ignore[attr-defined]
        for leaf in [sub, *getattr(sub, "commands", {}).values()]:
            for param in leaf.params:
                shown = param.display_type_rich(None) if hasattr(param, "display_type_rich") else ""
                assert not (shown or "").startswith("<"), (name, leaf.name, param.name, shown)


def test_help_output_has_no_type_placeholders(tmp_path: Path) -> None:
    for args in (["lint", "--help"], ["incident", "list", "--help"], ["actions", "--help"]):
        done = run(*args, cwd=tmp_path)
        assert done.returncode == 0
        assert "<bool>" not in done.stdout and "<str>" not in done.stdout, args
        assert "--format" in done.stdout or "Commands" in done.stdout


def test_counted_nouns() -> None:
    assert plural(1, "incident") == "1 incident"
    assert plural(2, "incident") == "2 incidents"
    assert plural(0, "item") == "0 items"
    assert plural(1, "evidence file") == "1 evidence file"
    assert plural(3, "entry") == "3 entries"
