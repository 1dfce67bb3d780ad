"""`hindsight db upgrade`, `hindsight backup FILE`, `hindsight restore FILE`."""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer

from hindsight.cli import console
from hindsight.cli.console import handle_errors
from hindsight.cli.store_session import session
from hindsight.core.errors import UserError
from hindsight.fileio import open_regular
from hindsight.services.backup import backup as backup_store
from hindsight.services.backup import restore as restore_store
from hindsight.services.schema import schema_upgrade

db_app = typer.Typer(name="db", help="The store's schema.", no_args_is_help=True)


@db_app.command("upgrade")
@handle_errors
def upgrade() -> None:
    """Apply the migrations the store lacks (Hindsight also does this on start)."""
    with session(migrate=False) as s:
        before, after = schema_upgrade(s.uow)
    if before == after:
        console.out.print(f"the schema is up to date ({after})", markup=False)
    else:
        console.out.print(f"upgraded the schema from {before or 'empty'} to {after}", markup=False)


@handle_errors
def backup(file: Path = typer.Argument(..., help="The archive to write (JSON Lines).")) -> None:
    """Write the whole store to a portable archive (restores into SQLite or PostgreSQL)."""
    temp = file.with_name(f".{file.name}.tmp")
    with session() as s:
        try:
            with _writable(file, lambda: temp.open("w", encoding="utf-8")) as out:
                counts = backup_store(s.uow, out, actor=s.settings.user)
                out.flush()
                os.fsync(out.fileno())
            _writable(file, lambda: os.replace(temp, file))
        finally:
            temp.unlink(missing_ok=True)
    summary = ", ".join(f"{name}: {n}" for name, n in counts.items() if n)  # rows by table
    console.out.print(f"wrote {file}: {summary or 'an empty store'}", markup=False)


T = TypeVar("T")


def _writable(file: Path, step: Callable[[], T]) -> T:
    """`step`, with an OSError said as what it means for the archive."""
    try:
        return step()
    except OSError as error:
        reason = "a read-only file system" if error.errno == errno.EROFS else error.strerror
        raise UserError(
            f"cannot write the archive ({reason})",
            where=str(file),
            fix="choose a path in a folder you may write to",
        ) from None


@handle_errors
def restore(
    file: Path = typer.Argument(..., help="An archive written by `hindsight backup`."),
) -> None:
    """Load an archive into an empty store, all or nothing."""
    # Only a regular file (never a device or FIFO). Bytes that are not UTF-8 pass as escapes,
    # which the restore refuses naming their line and field (a strict decoder would fail a
    # whole chunk ahead of the line it is in).
    raw = io.BufferedReader(open_regular(file))
    handle = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogateescape", newline="")
    with handle, session() as s:
        counts = restore_store(s.uow, handle, name=str(file), actor=s.settings.user)
    summary = ", ".join(f"{name}: {n}" for name, n in counts.items() if n)  # rows by table
    console.out.print(f"restored {summary or 'an empty store'}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app)
    app.command()(backup)
    app.command()(restore)
