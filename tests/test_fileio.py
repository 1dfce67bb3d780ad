"""fileio: bounded reads of regular files only, and writes that keep what the user set up
(mode, owner, symbolic links) and say clearly when the folder cannot be written."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from hindsight.core.errors import InputError, UserError
from hindsight.fileio import atomic_write, read_bytes, read_text
from tests.unprivileged import as_unprivileged


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own are private to root)."""
    made = Path(tempfile.mkdtemp(prefix="hindsight-fileio-"))
    made.chmod(0o755)
    try:
        yield made
    finally:
        made.chmod(0o755)
        shutil.rmtree(made)


def test_devices_and_fifos_are_refused_before_any_read(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="character device"):
        read_text(Path("/dev/zero"))
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)  # no writer: opening it for a blocking read would wait for ever
    with pytest.raises(InputError, match=r"named pipe \(FIFO\)"):
        read_text(fifo)
    with pytest.raises(InputError, match="folder"):
        read_text(tmp_path)


def test_at_most_the_limit_is_read_even_when_the_size_is_wrong(tmp_path: Path) -> None:
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 2048)
    with pytest.raises(InputError, match="at most"):
        read_bytes(big, max_bytes=1024)
    assert read_bytes(big, max_bytes=2048) == b"x" * 2048
    # /proc files say they are empty (st_size 0) and are longer: the read itself stops.
    status = Path("/proc/self/status")
    assert status.stat().st_size == 0
    with pytest.raises(InputError, match="over"):
        read_bytes(status, max_bytes=16)


def test_symlink_loops_and_broken_links_are_named_as_such(tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    with pytest.raises(InputError, match="symbolic links loop"):
        read_text(tmp_path / "a.md")
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(InputError, match="does not exist"):
        read_text(tmp_path / "gone.md")
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "missing.md")
    with pytest.raises(InputError, match="symbolic links loop"):
        atomic_write(tmp_path / "a.md", "text")


def test_a_rewrite_keeps_the_mode_and_the_owner(tmp_path: Path) -> None:
    path = tmp_path / "pm.md"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o664)
    owner = (1234, 2345) if os.geteuid() == 0 else (os.getuid(), os.getgid())
    os.chown(path, *owner)
    atomic_write(path, "new")
    info = path.stat()
    assert path.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(info.st_mode) == 0o664
    assert (info.st_uid, info.st_gid) == owner
    assert [p.name for p in tmp_path.iterdir()] == ["pm.md"]  # no temporary file left


def test_a_rewrite_through_a_symlink_rewrites_the_target(tmp_path: Path) -> None:
    real = tmp_path / "docs" / "pm.md"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "pm.md"
    link.symlink_to(Path("docs") / "pm.md")
    atomic_write(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(Path("docs") / "pm.md")
    assert real.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_the_permissions_of_the_umask(
    tmp_path: Path, umask: int, mode: int
) -> None:
    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "out.md", "text")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.md").stat().st_mode) == mode


def test_a_read_only_folder_is_a_clear_error_and_leaves_the_file(open_folder: Path) -> None:
    path = open_folder / "pm.md"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o666)
    open_folder.chmod(0o555)

    def write() -> str:
        try:
            atomic_write(path, "new")
        except UserError as error:
            return error.message
        return "written"

    message = as_unprivileged(write)
    assert "cannot write in this folder" in message and str(open_folder) in message
    assert path.read_text(encoding="utf-8") == "old"
