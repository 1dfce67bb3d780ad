"""The whole store to a portable JSON Lines archive, and back into an empty store.

    {"format": "hindsight-backup", "version": 1, "schema": "0001", "created_at": "…"}
    {"table": "incidents", "row": {…}}
    …
    {"end": true, "counts": {"incidents": 3, "events": 412, …}}

One line per row, so neither side holds the store in memory. The last line's counts let
`restore` refuse a truncated archive; the restore is one transaction, so a refused or failed
restore leaves the target empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from hindsight.core.errors import InputError, UserError
from hindsight.store import archive
from hindsight.store.migrate import current
from hindsight.store.unit_of_work import UnitOfWork, utc_now

FORMAT = "hindsight-backup"
VERSION = 1
_BATCH = 1000


def backup(uow: UnitOfWork, out: TextIO, *, actor: str = "hindsight") -> dict[str, int]:
    """Write every row to `out`; returns the row count per table."""
    with uow:
        if uow.backend == "postgresql" and uow.bind is not uow.connection:
            archive.begin_snapshot(uow.connection)
        header = {
            "format": FORMAT,
            "version": VERSION,
            "schema": current(uow.connection),
            "created_at": utc_now().isoformat(),
            "backend": uow.backend,
        }
        out.write(json.dumps(header) + "\n")
        totals = dict.fromkeys(archive.table_names(), 0)
        for name, row in archive.dump(uow.connection):
            out.write(json.dumps({"table": name, "row": row}, ensure_ascii=False) + "\n")
            totals[name] += 1
        out.write(json.dumps({"end": True, "counts": totals}) + "\n")
    return totals


def restore(
    uow: UnitOfWork, lines: Iterable[str], *, name: str = "archive", actor: str = "hindsight"
) -> dict[str, int]:
    """Load an archive into an empty store, all or nothing; returns the rows per table."""
    rows = iter(lines)
    header = _header(next(rows, ""), name)
    with uow:
        if any(archive.counts(uow.connection).values()):
            raise UserError(
                "the store is not empty: restore only into an empty database",
                where=name,
                fix="point HINDSIGHT_DATABASE_URL at a new database and run restore again",
            )
        schema = current(uow.connection)
        if header.get("schema") != schema:
            raise InputError(
                f"the archive has schema {header.get('schema')!r}, this store {schema!r}",
                where=name,
                fix="restore with the Hindsight version that wrote the archive, then upgrade",
            )
        totals = dict.fromkeys(archive.table_names(), 0)
        pending: list[dict[str, Any]] = []
        table: str | None = None
        expected: dict[str, int] | None = None
        for number, line in enumerate(rows, start=2):
            if not line.strip():
                continue
            item = _json(line, name, number)
            if item.get("end") is True:
                expected = item.get("counts")
                break
            if item.get("table") not in archive.BY_NAME or not isinstance(item.get("row"), dict):
                raise InputError("not a table row", where=f"{name}:{number}")
            if item["table"] != table or len(pending) >= _BATCH:
                _flush(uow, table, pending, totals)
                table, pending = item["table"], []
            pending.append(item["row"])
        _flush(uow, table, pending, totals)
        if expected != totals:
            raise InputError(
                "the archive is truncated or altered: its row counts do not match its end line",
                where=name,
                fix="use a complete archive written by `hindsight backup`",
            )
        archive.reset_sequences(uow.connection)
        uow.audit.add(
            at=utc_now(), actor=actor, action="store.restore", incident_id=None, detail=totals
        )
        uow.commit()
    return totals


def _flush(
    uow: UnitOfWork, table: str | None, pending: list[dict[str, Any]], totals: dict[str, int]
) -> None:
    if table is None or not pending:
        return
    try:
        totals[table] += archive.load(uow.connection, table, pending)
    except KeyError as error:
        raise InputError(f"a row lacks the column {error.args[0]}", where=table) from None


def _header(line: str, name: str) -> dict[str, Any]:
    header = _json(line, name, 1) if line.strip() else {}
    if header.get("format") != FORMAT or header.get("version") != VERSION:
        raise InputError(
            "not a Hindsight backup (version 1)",
            where=name,
            fix="pass a file written by `hindsight backup`",
        )
    return header


def _json(line: str, name: str, number: int) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError as error:
        raise InputError(f"invalid JSON: {error}", where=f"{name}:{number}") from None
    if not isinstance(value, dict):
        raise InputError("expected a JSON object", where=f"{name}:{number}")
    return value
