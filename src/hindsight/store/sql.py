"""Small SQL helpers the repositories share."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Insert, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignoring(connection: Connection, table: Table, *conflict: str) -> Insert:
    """INSERT … ON CONFLICT (`conflict`) DO NOTHING, in the connection's dialect."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))


def utc(value: dt.datetime | str | None) -> dt.datetime | None:
    if isinstance(value, str):  # SQLite's max() over the column loses the type
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
