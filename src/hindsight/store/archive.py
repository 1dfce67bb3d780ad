"""Every table as portable JSON rows, and back: what `hindsight backup` and `restore` move.

Values are converted by column type, so an archive written from SQLite restores into
PostgreSQL and the other way round: instants as RFC 3339 UTC, bytes as base64, JSON as JSON.

Nothing in an archive is trusted on the way back: `decode` checks every value against its
column (type, range, length, text that both backends can store, no unknown column) and raises
`BadValue` naming the field; `insert` runs each batch in a SAVEPOINT and, when the database
refuses it (a duplicate id, a reference to a row the archive lacks), finds the first row it
refused and raises `RefusedRow` with its position and why.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.types import JSON, BigInteger, Boolean, Float, Integer, LargeBinary, String

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


class BadValue(ValueError):
    """A value of an archived row its column cannot hold."""

    def __init__(self, field: str, what: str) -> None:
        super().__init__(f"{field}: {what}")
        self.field = field
        self.what = what


class RefusedRow(Exception):
    """The database refused a row of a batch: its position in the batch, and why."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(reason)
        self.position = position
        self.reason = reason


_INT32 = 2**31
_INT64 = 2**63


def _text(field: str, value: str, limit: int | None) -> str:
    if "\x00" in value:
        raise BadValue(field, "text holds a NUL character (binary data, not text)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BadValue(field, "text holds bytes that are not UTF-8 (binary data)") from None
    if limit is not None and len(value) > limit:
        raise BadValue(field, f"text of {len(value):,} characters; the column holds {limit}")
    return value


def _json_value(field: str, value: Any) -> Any:
    # Iterative: an archive's JSON is as deep as json.loads allowed, never recursed here.
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _text(field, item, None)
        elif isinstance(item, dict):
            for key in item:
                _text(field, key, None)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return value


def _decode_value(column: Any, field: str, value: Any) -> Any:
    kind = column.type
    if isinstance(kind, UTCDateTime):
        if not isinstance(value, str):
            raise BadValue(field, f"expected an RFC 3339 time, got {type(value).__name__}")
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError:
            raise BadValue(field, f"{value[:40]!r} is not an RFC 3339 time") from None
        if instant.tzinfo is None:
            raise BadValue(field, f"{value[:40]!r} has no UTC offset")
        return instant
    if isinstance(kind, LargeBinary):
        if not isinstance(value, str):
            raise BadValue(field, f"expected base64 text, got {type(value).__name__}")
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            raise BadValue(field, "not valid base64") from None
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise BadValue(field, f"expected true or false, got {type(value).__name__}")
        return value
    if isinstance(kind, Integer):
        if not isinstance(value, int) or isinstance(value, bool):
            raise BadValue(field, f"expected an integer, got {type(value).__name__}")
        bound = _INT64 if isinstance(kind, BigInteger) else _INT32
        if not -bound <= value < bound:
            raise BadValue(field, f"{value} is out of range (at most {bound - 1})")
        return value
    if isinstance(kind, Float):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise BadValue(field, f"expected a number, got {type(value).__name__}")
        return float(value)
    if isinstance(kind, String):  # Text too
        if not isinstance(value, str):
            raise BadValue(field, f"expected text, got {type(value).__name__}")
        return _text(field, value, kind.length)
    if isinstance(kind, JSON):
        return _json_value(field, value)
    return value


def decode(name: str, row: dict[str, Any]) -> dict[str, Any]:
    """An archived row of table `name` as values its columns hold, or `BadValue`."""
    table = BY_NAME[name]
    unknown = sorted(set(row) - set(table.columns.keys()))
    if unknown:
        raise BadValue(f"{name}.{unknown[0]}", "no such column in this table")
    out: dict[str, Any] = {}
    for column in table.columns:
        field = f"{name}.{column.name}"
        if column.name not in row:
            raise BadValue(field, "the column is missing")
        value = row[column.name]
        if value is None:
            if not column.nullable:
                raise BadValue(field, "may not be null")
            out[column.name] = None
        else:
            out[column.name] = _decode_value(column, field, value)
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


def insert_rows(connection: Connection, name: str, rows: list[dict[str, Any]]) -> int:
    """Insert decoded rows of table `name`, all or none; `RefusedRow` names the first the
    database refuses. Each attempt runs in a SAVEPOINT, so the transaction stays usable."""
    if not rows:
        return 0
    table = BY_NAME[name]
    try:
        with connection.begin_nested():
            connection.execute(insert(table), rows)
        return len(rows)
    except DBAPIError:
        pass
    for position, row in enumerate(rows):  # find the row: the batch failed as a whole
        try:
            with connection.begin_nested():
                connection.execute(insert(table), [row])
        except DBAPIError as error:
            raise RefusedRow(position, _reason(error)) from None
    return len(rows)  # one by one, every row went in


def _reason(error: DBAPIError) -> str:
    message = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    state = getattr(error.orig, "sqlstate", None)
    if state == "23505" or "UNIQUE constraint" in message:
        return f"a duplicate: the archive already holds a row with this id or key ({message})"
    if state == "23503" or "FOREIGN KEY constraint" in message:
        return f"refers to a row the archive does not hold (a dangling reference; {message})"
    return f"the database refused the row ({message})"


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
