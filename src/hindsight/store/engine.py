"""Engines for the two backends. No module-global engine: the composition root makes one.

SQLite runs in WAL mode with foreign keys on, and every transaction starts with
`BEGIN IMMEDIATE`: a writer takes the write lock up front and waits for it (busy timeout)
instead of failing half-way when two writers meet. PostgreSQL runs through psycopg 3.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url

from hindsight.core.errors import ConfigError
from hindsight.store.migrate import upgrade

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """`postgres://` and `postgresql://` mean psycopg 3 here; SQLite URLs stay as they are."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise ConfigError(
            f"{parsed.drivername!r} is not a supported database driver",
            where="HINDSIGHT_DATABASE_URL",
            fix="use sqlite:///PATH or postgresql+psycopg://USER@HOST/DB",
        )
    return parsed.render_as_string(hide_password=False)


def create_engine(url: str, **options: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, **options)
        _configure_sqlite(engine)
        return engine
    # Bulk inserts go through psycopg's pipelined executemany: one short statement parsed once,
    # instead of huge multi-row VALUES statements psycopg would re-parse for every batch.
    options.setdefault("use_insertmanyvalues", False)
    return sa.create_engine(url, pool_pre_ping=True, **options)


def _configure_sqlite(engine: Engine) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide when transactions begin, so that
        # SAVEPOINTs and BEGIN IMMEDIATE work as written.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def backend(engine: Engine) -> str:
    """ "sqlite" or "postgresql"."""
    return engine.dialect.name


def open_store(url: str, *, migrate: bool = True, **options: Any) -> Engine:
    """An engine on `url` with the schema brought up to date (the start-up path)."""
    engine = create_engine(url, **options)
    try:
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except sa.exc.OperationalError as error:
        engine.dispose()
        raise ConfigError(
            f"cannot open the database: {str(error.orig or error).strip().splitlines()[0]}",
            where="HINDSIGHT_DATABASE_URL",
            fix="check the URL, that the server is running, and that the path is writable",
        ) from None
    except BaseException:
        engine.dispose()
        raise
    return engine
