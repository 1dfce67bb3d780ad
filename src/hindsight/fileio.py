"""Reading and writing the user's files safely: clear errors in, no partial files out.

Reads are bounded: only regular files are read (a device such as /dev/zero, a FIFO, a socket is
refused before a byte is read, so nothing grows without end or waits for a writer), and at most
`max_bytes` (documents: `MAX_DOCUMENT_BYTES`) even when the size the file reports is wrong.

Writes replace the file in one step (a temporary file, fsync, rename) and keep what the user
set up: through a symbolic link the target is rewritten and the link stays a link; an existing
file keeps its mode and, where the process may, its owner and group; a new file gets the
ordinary permissions of the umask (0666 less the umask), as any editor would make it.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from hindsight.core.errors import InputError, UserError

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # the longest real postmortems are well under 1 MB

_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _open_error(path: Path, error: OSError) -> InputError:
    where = str(path)
    if error.errno == errno.ELOOP:
        return InputError(
            "the symbolic links loop (a link that leads back to itself)",
            where=where,
            fix="point the link at a real file (`ls -l` shows where each link leads)",
        )
    if isinstance(error, FileNotFoundError):
        if path.is_symlink():
            return InputError(
                f"the symbolic link leads to {os.readlink(path)!r}, which does not exist",
                where=where,
                fix="point the link at an existing file",
            )
        return InputError("no such file", where=where, fix="check the path")
    if isinstance(error, IsADirectoryError):
        return InputError("is a folder, not a file", where=where, fix="name a file")
    return InputError(f"cannot read the file ({error.strerror})", where=where)


def _too_large(path: Path, size: str, kind: str, max_bytes: int) -> InputError:
    return InputError(
        f"the file is {size}; a {kind} may be at most {max_bytes / 1_048_576:.0f} MiB",
        where=str(path),
        fix="split the file, or move attachments and logs out of it",
    )


def open_regular(path: Path) -> io.FileIO:
    """`path` opened for reading if it is a regular file; devices, FIFOs, sockets and folders
    are refused with an `InputError` before anything is read."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise _open_error(path, error) from None
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return os.fdopen(fd, "rb", buffering=0)
    os.close(fd)
    if stat.S_ISDIR(mode):
        raise InputError("is a folder, not a file", where=str(path), fix="name a file")
    what = next((what for test, what in _NOT_REGULAR if test(mode)), "not a regular file")
    raise InputError(
        f"is {what}, not a regular file: it is not read",
        where=str(path),
        fix="save the input to a regular file first and pass that",
    )


def read_stream(handle: BinaryIO, *, max_bytes: int, kind: str = "payload") -> bytes:
    """At most `max_bytes` of standard input; more is an `InputError` (and is never read)."""
    data = _read_at_most(handle, max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(
            f"standard input is over {max_bytes / 1_048_576:.0f} MiB; a {kind} may be at most "
            f"{max_bytes / 1_048_576:.0f} MiB",
            where="-",
            fix="split the input, or stream JSON Lines through `hindsight ingest generic -`",
        )
    return data


def read_bytes(path: Path, *, max_bytes: int, kind: str = "file") -> bytes:
    """The bytes of the regular file `path` (at most `max_bytes`), or an `InputError`."""
    with open_regular(path) as handle:
        info = os.fstat(handle.fileno())
        if info.st_size > max_bytes:
            raise _too_large(path, f"{info.st_size / 1_048_576:.1f} MiB", kind, max_bytes)
        try:
            data = _read_at_most(handle, max_bytes + 1)  # one more byte tells it grew
        except MemoryError:
            raise InputError(
                f"not enough memory to read the file ({info.st_size:,} bytes)",
                where=str(path),
                fix="raise the process's memory limit, or split the file",
            ) from None
        except OSError as error:
            raise InputError(f"cannot read the file ({error.strerror})", where=str(path)) from None
    if len(data) > max_bytes:
        raise _too_large(path, f"over {max_bytes / 1_048_576:.0f} MiB", kind, max_bytes)
    return data


def _read_at_most(handle: BinaryIO | io.FileIO, limit: int) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < limit:
        chunk = handle.read(min(1 << 20, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_text(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES, kind: str = "postmortem") -> str:
    """The UTF-8 text of `path`, or an `InputError` that says what is wrong with the file."""
    where = str(path)
    data = read_bytes(path, max_bytes=max_bytes, kind=kind)
    if b"\x00" in data[:8192]:
        raise InputError(
            "this is a binary file, not Markdown text",
            where=where,
            fix=f"pass the {kind} as a UTF-8 Markdown (.md) file",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 text (byte {error.start}, line {line})",
            where=where,
            fix="save the file as UTF-8",
        ) from None
    except MemoryError:
        raise InputError(
            "not enough memory to decode the file",
            where=where,
            fix="raise the process's memory limit, or split the file",
        ) from None


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _target(path: Path) -> Path:
    """Where writing `path` really goes: through its symbolic links to the file they name."""
    if not path.is_symlink():
        return path
    try:
        return path.resolve(strict=False)
    except RuntimeError:  # a loop (Python < 3.13 raises this instead of OSError)
        raise _open_error(path, OSError(errno.ELOOP, "loop")) from None
    except OSError as error:
        raise _open_error(path, error) from None


def _write_error(folder: Path, error: OSError) -> UserError:
    reason = "it is read-only" if error.errno == errno.EROFS else error.strerror or str(error)
    return UserError(
        f"cannot write in this folder ({reason})",
        where=str(folder),
        fix="write somewhere you may (-o PATH), or fix the folder's permissions",
    )


def atomic_write(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write `text` to `path` all at once: readers see the old file or the new, never half."""
    if not overwrite and (path.exists() or path.is_symlink()):
        raise UserError(
            "the file already exists", where=str(path), fix="choose another -o path or remove it"
        )
    target = _target(path) if overwrite else path
    directory = target.parent if str(target.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        existing: os.stat_result | None = os.stat(target) if target.exists() else None
        fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _write_error(directory, error) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            if existing is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(existing.st_mode))
                with contextlib.suppress(PermissionError):  # only root may give files away
                    os.fchown(handle.fileno(), existing.st_uid, existing.st_gid)
            else:
                os.fchmod(handle.fileno(), 0o666 & ~_umask())
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, target)
        else:
            # link() fails if the target appeared meanwhile: no overwrite even under a race.
            try:
                os.link(temp, target)
            except FileExistsError:
                raise UserError(
                    "the file already exists", where=str(path), fix="choose another path"
                ) from None
            os.unlink(temp)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        if isinstance(error, OSError):
            raise _write_error(directory, error) from None
        raise
    _sync_folder(directory)


def _sync_folder(directory: Path) -> None:
    """The rename itself survives a power loss once the folder is synced."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
