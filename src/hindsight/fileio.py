"""Reading and writing the user's files safely: clear errors in, no partial files out."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from hindsight.core.errors import InputError, UserError

MAX_DOCUMENT_BYTES = 8 * 1024 * 1024  # the longest real postmortems are well under 1 MB


def read_text(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES, kind: str = "postmortem") -> str:
    """The UTF-8 text of `path`, or an `InputError` that says what is wrong with the file."""
    where = str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", where=where, fix="check the path") from None
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", where=where) from None
    if path.is_dir():
        raise InputError("is a folder, not a file", where=where, fix="name a Markdown file")
    if size > max_bytes:
        raise InputError(
            f"the file is {size / 1_048_576:.1f} MiB; a {kind} may be at most "
            f"{max_bytes / 1_048_576:.0f} MiB",
            where=where,
            fix="split the file, or move attachments and logs out of the Markdown",
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror})", where=where) from None
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


def atomic_write(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write `text` to `path` all at once: readers see the old file or the new, never half."""
    if not overwrite and path.exists():
        raise UserError(
            "the file already exists", where=str(path), fix="choose another -o path or remove it"
        )
    directory = path.parent if str(path.parent) else Path(".")
    directory.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(temp, path)
        else:
            # link() fails if the target appeared meanwhile: no overwrite even under a race.
            try:
                os.link(temp, path)
            except FileExistsError:
                raise UserError(
                    "the file already exists", where=str(path), fix="choose another path"
                ) from None
            os.unlink(temp)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
