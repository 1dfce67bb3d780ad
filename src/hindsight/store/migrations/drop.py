"""Dropping columns in a downgrade without losing rows.

On SQLite, Alembic's batch mode copies a table to drop a column; copying a parent table drops
the old one, which cascades to its children's rows. SQLite's own `ALTER TABLE … DROP COLUMN`
(3.35+) changes the table in place.
"""

from __future__ import annotations

from alembic import op


def drop_columns(table: str, *columns: str) -> None:
    for column in columns:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        else:
            op.drop_column(table, column)
