"""The whole store to a portable JSON Lines archive, and back into an empty store.

    {"format": "hindsight-backup", "version": 1, "schema": "0001", "created_at": "…"}
    {"table": "incidents", "row": {…}}
    …
    {"end": true, "counts": {"incidents": 3, "events": 412, …}}

One line per row, so neither side holds the store in memory. The last line's counts let
`restore` refuse a truncated archive; the restore is one transaction, so a refused or failed
restore leaves the target empty.

`restore` trusts nothing in the archive: every value is checked against its column, an unknown
column or table is refused, every payload's body must still match its digest, and a row the
database refuses (a duplicate id, a dangling reference) is named; each refusal says the line
and the field (`archive.jsonl:12: payloads.body: …`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from hindsight.core.errors import InputError, UserError
from hindsight.services.ingest import digest
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
    rows = _numbered(lines, name)
    header = _header(next(rows, (1, ""))[1], name)
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
        batch = _Batch(uow, name, totals)
        expected: object = None
        for number, line in rows:
            if not line.strip():
                continue
            item = _json(line, name, number)
            if item.get("end") is True:
                expected = item.get("counts")
                break
            table, row = _row(item, name, number)
            batch.add(table, number, _decoded(table, row, name, number))
        batch.flush()
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


_FIX = "restore an unaltered archive written by `hindsight backup`"


class _Batch:
    """Rows of one table waiting to be inserted together, with the line each came from."""

    def __init__(self, uow: UnitOfWork, name: str, totals: dict[str, int]) -> None:
        self.uow = uow
        self.name = name
        self.totals = totals
        self.table: str | None = None
        self.rows: list[dict[str, Any]] = []
        self.numbers: list[int] = []

    def add(self, table: str, number: int, row: dict[str, Any]) -> None:
        if table != self.table or len(self.rows) >= _BATCH:
            self.flush()
            self.table = table
        self.rows.append(row)
        self.numbers.append(number)

    def flush(self) -> None:
        if self.table is None or not self.rows:
            return
        try:
            self.totals[self.table] += archive.insert_rows(
                self.uow.connection, self.table, self.rows
            )
        except archive.RefusedRow as refused:
            number = self.numbers[refused.position]
            raise InputError(
                f"{self.table}: {refused.reason}", where=f"{self.name}:{number}", fix=_FIX
            ) from None
        self.rows, self.numbers = [], []


def _numbered(lines: Iterable[str], name: str) -> Iterator[tuple[int, str]]:
    """(line number, line); bytes that are not UTF-8 text are refused with their line."""
    number = 0
    iterator = iter(lines)
    while True:
        number += 1
        try:
            line = next(iterator)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise InputError(
                "binary data, not UTF-8 text", where=f"{name}:{number}", fix=_FIX
            ) from None
        yield number, line


def _row(item: dict[str, Any], name: str, number: int) -> tuple[str, dict[str, Any]]:
    table, row = item.get("table"), item.get("row")
    if not isinstance(table, str) or not isinstance(row, dict):
        raise InputError("not a table row", where=f"{name}:{number}", fix=_FIX)
    if table not in archive.BY_NAME:
        raise InputError(f"no table {table[:60]!r} in this store", where=f"{name}:{number}")
    unknown = set(item) - {"table", "row"}
    if unknown:
        raise InputError(
            f"unknown field {sorted(unknown)[0][:60]!r} beside the row",
            where=f"{name}:{number}",
            fix=_FIX,
        )
    return table, row


def _decoded(table: str, row: dict[str, Any], name: str, number: int) -> dict[str, Any]:
    where = f"{name}:{number}"
    try:
        decoded = archive.decode(table, row)
    except archive.BadValue as bad:
        raise InputError(f"{bad.field}: {bad.what}", where=where, fix=_FIX) from None
    if table == "payloads" and decoded["digest"] != digest(decoded["source"], decoded["body"]):
        raise InputError(
            "payloads.body: the body does not match its digest (the payload was altered)",
            where=where,
            fix=_FIX,
        )
    return decoded


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
    except (ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise InputError(f"invalid JSON: {reason}", where=f"{name}:{number}") from None
    if not isinstance(value, dict):
        raise InputError("expected a JSON object", where=f"{name}:{number}")
    return value
