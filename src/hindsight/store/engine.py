"""Engines for the two backends. No module-global engine: the composition root makes one.

SQLite runs in WAL mode (synchronous=FULL) with foreign keys on, and every transaction starts with
`BEGIN IMMEDIATE`: a writer takes the write lock up front and waits for it (busy timeout)
instead of failing half-way when two writers meet. Inside one process the writers of an
engine also queue, first come first served, on the engine's `WriterLock` (the unit of work
takes it around each transaction), so they wait their turn instead of polling SQLite's busy
handler, whose growing sleeps are what made latency spike under load; `BEGIN IMMEDIATE` still
guards against other processes. A connection marked `READ_ONLY` begins a plain deferred
transaction instead: a snapshot read that neither takes nor waits for the write lock (WAL).
PostgreSQL runs through psycopg 3.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine as Engine  # the store's handle, as the shells hold it
from sqlalchemy.engine import make_url

from hindsight.core.errors import ConfigError, UserError
from hindsight.store.migrate import upgrade

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "hindsight_read_only"  # execution option: begin a deferred (read-only) transaction


class WriterLock:
    """A first-come-first-served lock, re-entrant in its owning thread (a thread that nests
    two transactions gets SQLite's own busy timeout, as before, rather than a deadlock)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._waiters: deque[tuple[int, threading.Lock]] = deque()

    def acquire(self, timeout: float = SQLITE_BUSY_TIMEOUT_MS / 1000) -> bool:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._waiters:
                self._owner, self._depth = me, 1
                return True
            gate = threading.Lock()
            gate.acquire()
            self._waiters.append((me, gate))
        if gate.acquire(timeout=timeout):
            return True  # handed over by `release`
        with self._mutex:
            if self._owner == me:  # handed over just as the wait timed out
                return True
            self._waiters.remove((me, gate))
            return False

    def release(self) -> None:
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("the writer lock is not held by this thread")
            self._depth -= 1
            if self._depth:
                return
            if self._waiters:
                self._owner, gate = self._waiters.popleft()
                self._depth = 1
                gate.release()
            else:
                self._owner = None


_WRITER_LOCKS: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()


def writer_lock(engine: Engine) -> WriterLock | None:
    """The in-process queue for `engine`'s write transactions (SQLite only)."""
    return _WRITER_LOCKS.get(engine)


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
        _WRITER_LOCKS[engine] = WriterLock()
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
                # FULL: a commit is on disk when it returns, so an acknowledged webhook delivery
                # survives a power loss too (NORMAL only survives a process crash). Deliveries
                # are group-committed, so the fsync is paid once per batch.
                cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


class StoreUnavailable(UserError):
    """The database cannot be reached (down, wrong URL, refused credentials)."""


def ping(engine: Engine) -> None:
    """One round trip to the database, or `StoreUnavailable` saying what failed."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError as error:
        raise StoreUnavailable(
            f"the database is not reachable: {type(error).__name__}",
            fix="check HINDSIGHT_DATABASE_URL and that the database server is running",
        ) from None


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
