"""The migrations build exactly the tables the code uses, on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from hindsight.core.errors import ConfigError
from hindsight.store.engine import create_engine, normalise_url, open_store
from hindsight.store.migrate import alembic_config, current, head, upgrade
from hindsight.store.tables import metadata


def _ours(name: str | None, kind: str, parents: object) -> bool:
    """The job queue's tables are procrastinate's (migration 0011 applies its schema)."""
    return not (kind == "table" and (name or "").startswith("procrastinate_"))


def test_job_queue_schema_is_applied_on_postgresql_only(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        names = set(sa.inspect(connection).get_table_names())
    queue = {"procrastinate_jobs", "procrastinate_workers", "procrastinate_events"}
    if engine.dialect.name == "postgresql":
        assert queue <= names
    else:
        assert not queue & names


def test_migrations_create_exactly_the_declared_schema(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _ours}
        )
        assert compare_metadata(context, metadata) == []
        assert current(connection) == head()


def test_open_store_migrates_an_empty_database_and_upgrade_is_idempotent(
    fresh_url: str,
) -> None:
    engine = open_store(fresh_url)
    try:
        with engine.connect() as connection:
            assert current(connection) == head()
            names = set(sa.inspect(connection).get_table_names())
        assert {t.name for t in metadata.sorted_tables} <= names
        assert upgrade(engine) == (head(), head())
    finally:
        engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(
    new_database: Callable[[str], str],
) -> None:
    engine = open_store(new_database("sqlite"))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u:pw@h:5433/db", "postgresql+psycopg://u:pw@h:5433/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///./hindsight.db", "sqlite:///./hindsight.db"),
    ],
)
def test_database_urls_are_normalised(given: str, expected: str) -> None:
    assert normalise_url(given) == expected


def test_an_unsupported_driver_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="mysql"):
        create_engine("mysql://u@h/db")


def test_the_job_queue_migration_goes_down_and_up_again(fresh_url: str) -> None:
    engine = open_store(fresh_url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0010")
        with engine.connect() as connection:
            names = set(sa.inspect(connection).get_table_names())
        assert not {n for n in names if n.startswith("procrastinate_")}
        assert upgrade(engine) == ("0010", head())
    finally:
        engine.dispose()
