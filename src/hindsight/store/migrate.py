"""Alembic migrations, run programmatically: on start (`open_store`) and by `hindsight db upgrade`.

On PostgreSQL an advisory lock serialises app servers that start at the same time; on SQLite
`BEGIN IMMEDIATE` does the same.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK_ID = 0x48494E44  # "HIND"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Bring the schema to `revision`; returns (before, after)."""
    with engine.begin() as connection:
        return upgrade_connection(connection, revision)


def upgrade_connection(
    connection: Connection, revision: str = "head"
) -> tuple[str | None, str | None]:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    before = current(connection)
    command.upgrade(alembic_config(connection), revision)
    return before, current(connection)


def upgrade_bind(
    bind: Engine | Connection, revision: str = "head"
) -> tuple[str | None, str | None]:
    if isinstance(bind, Connection):
        return upgrade_connection(bind, revision)
    return upgrade(bind, revision)
