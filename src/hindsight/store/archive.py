"""Every table as portable JSON rows, and back: what `hindsight backup` and `restore` move.

Values are converted by column type, so an archive written from SQLite restores into
PostgreSQL and the other way round: instants as RFC 3339 UTC, bytes as base64, JSON as JSON.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.types import LargeBinary

from hindsight.store.tables import TABLES, UTCDateTime

BY_NAME = {table.name: table for table in TABLES}


def table_names() -> list[str]:
    return [t.name for t in TABLES]


def _encode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        value = row[column.name]
        if value is not None:
            if isinstance(column.type, UTCDateTime):
                assert isinstance(value, dt.datetime)
                value = value.isoformat()
            elif isinstance(column.type, LargeBinary):
                value = base64.b64encode(bytes(value)).decode("ascii")
        out[column.name] = value
    return out


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in row:
            raise KeyError(f"{table.name}.{column.name}")
        value = row[column.name]
        if value is not None:
            if isinstance(column.type, UTCDateTime):
                value = dt.datetime.fromisoformat(value)
            elif isinstance(column.type, LargeBinary):
                value = base64.b64decode(value)
        out[column.name] = value
    return out


def dump(connection: Connection, *, batch: int = 1000) -> Iterator[tuple[str, dict[str, Any]]]:
    """(table name, JSON-ready row) for every row, parents before children, by primary key."""
    for table in TABLES:
        query = select(table).order_by(*table.primary_key.columns)
        result = connection.execute(query.execution_options(yield_per=batch)).mappings()
        for row in result:
            yield table.name, _encode(table, dict(row))


def counts(connection: Connection) -> dict[str, int]:
    return {
        t.name: int(connection.execute(select(func.count()).select_from(t)).scalar_one())
        for t in TABLES
    }


def load(connection: Connection, name: str, rows: Iterable[dict[str, Any]]) -> int:
    table = BY_NAME[name]
    decoded = [_decode(table, row) for row in rows]
    if decoded:
        connection.execute(insert(table), decoded)
    return len(decoded)


def reset_sequences(connection: Connection) -> None:
    """After inserting explicit ids, make PostgreSQL's id sequences continue after them."""
    if connection.dialect.name != "postgresql":
        return
    for table in TABLES:
        if "id" not in table.columns:
            continue
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def begin_snapshot(connection: Connection) -> None:
    """Make the rest of a fresh PostgreSQL transaction read one consistent snapshot (SQLite's
    `BEGIN IMMEDIATE` already does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
