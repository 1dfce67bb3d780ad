"""The CLI on hostile files: devices and FIFOs refused (never read, never waited on), symlink
loops named, fmt keeping mode, owner and links, files written with the umask, a read-only
folder and memory exhaustion said plainly instead of "internal error"."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

import hindsight.cli.document
from hindsight.cli.app import app
from hindsight.samples import sample_postmortem
from tests.unprivileged import as_unprivileged

runner = CliRunner()
UNFORMATTED = sample_postmortem().replace("\n## ", "\n\n\n## ", 1)


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """The real program in a process of its own, killed if it hangs."""
    return subprocess.run(
        [sys.executable, "-m", "hindsight", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("command", ["lint", "fmt", "import", "show", "timeline"])
def test_dev_zero_is_refused_not_read(command: str) -> None:
    done = _cli(command, "/dev/zero", timeout=60)  # reading it would never end
    assert done.returncode == 2, done.stderr
    assert "character device" in done.stderr and "internal error" not in done.stderr


@pytest.mark.parametrize("command", ["lint", "fmt", "import", "timeline"])
def test_a_fifo_with_no_writer_is_refused_at_once(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    done = _cli(command, str(fifo), timeout=30)  # subprocess.TimeoutExpired if it waits
    assert done.returncode == 2, done.stderr
    assert "named pipe (FIFO)" in done.stderr


def test_ingest_refuses_a_device(tmp_path: Path) -> None:
    env = {**os.environ, "HINDSIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "hindsight", "ingest", "generic", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 2 and "character device" in done.stderr, done.stderr


def test_a_symlink_loop_is_reported_as_one(tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    for command in ("lint", "fmt", "show"):
        result = runner.invoke(app, [command, str(tmp_path / "a.md")])
        assert result.exit_code == 2
        assert "symbolic links loop" in result.output and "no such file" not in result.output


def test_fmt_keeps_mode_and_owner(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text(UNFORMATTED, encoding="utf-8")
    path.chmod(0o664)
    owner = (4321, 4322) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    os.chown(path, *owner)
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 0 and "reformatted" in result.output, result.output
    info = path.stat()
    assert stat.S_IMODE(info.st_mode) == 0o664 and (info.st_uid, info.st_gid) == owner
    assert path.read_text(encoding="utf-8") != UNFORMATTED


def test_fmt_writes_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "shared" / "pm.md"
    target.parent.mkdir()
    target.write_text(UNFORMATTED, encoding="utf-8")
    link = tmp_path / "pm.md"
    link.symlink_to(target)
    result = runner.invoke(app, ["fmt", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text(encoding="utf-8") != UNFORMATTED  # the target was formatted
    assert runner.invoke(app, ["fmt", "--check", str(target)]).exit_code == 0


def test_files_the_cli_writes_get_the_umask_permissions(tmp_path: Path) -> None:
    folder = tmp_path / "pms"
    folder.mkdir()
    (folder / "a.md").write_text(sample_postmortem(), encoding="utf-8")
    old = os.umask(0o022)
    try:
        outputs = {
            "analyze": (["analyze", str(folder), "--format", "html", "-o"], tmp_path / "r.html"),
            "sample": (["sample", "-o"], tmp_path / "s.md"),
            "new": (["new", "A title", "-o"], tmp_path / "n.md"),
        }
        for name, (args, path) in outputs.items():
            result = runner.invoke(app, [*args, str(path)])
            assert result.exit_code in (0, 1), (name, result.output)
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, name
    finally:
        os.umask(old)


@pytest.fixture
def open_folder() -> Iterator[Path]:
    made = Path(tempfile.mkdtemp(prefix="hindsight-cli-"))
    made.chmod(0o755)
    try:
        yield made
    finally:
        made.chmod(0o755)
        shutil.rmtree(made)


def test_fmt_in_a_read_only_folder_says_so(open_folder: Path) -> None:
    path = open_folder / "pm.md"
    path.write_text(UNFORMATTED, encoding="utf-8")
    path.chmod(0o666)
    open_folder.chmod(0o555)

    def fmt() -> tuple[int, str]:
        result = runner.invoke(app, ["fmt", str(path)])
        return result.exit_code, result.output

    code, output = as_unprivileged(fmt)
    assert code == 2 and "cannot write in this folder" in output, output
    assert "internal error" not in output
    assert path.read_text(encoding="utf-8") == UNFORMATTED


def test_running_out_of_memory_is_not_an_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pm.md"
    path.write_text(sample_postmortem(), encoding="utf-8")

    def exhausted(text: str) -> object:
        raise MemoryError()

    monkeypatch.setattr(hindsight.cli.document, "parse", exhausted)
    result = runner.invoke(app, ["fmt", str(path)])
    assert result.exit_code == 2
    assert "not enough memory" in result.output and "internal error" not in result.output


def test_ingest_reads_at_most_the_payload_limit_from_standard_input(tmp_path: Path) -> None:
    env = {**os.environ, "HINDSIGHT_DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"}
    with open("/dev/zero", "rb") as endless:
        done = subprocess.run(
            [sys.executable, "-m", "hindsight", "ingest", "alertmanager", "-"],
            stdin=endless,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert "standard input is over 64 MiB" in done.stderr
