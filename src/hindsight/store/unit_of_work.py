"""One transaction per use case.

A service enters the unit of work, does its reads and writes through the repositories and
calls `commit()`; leaving the block without committing rolls everything back, so a use case is
all or nothing. The unit of work is re-entrant in sequence (each `with` is a new transaction)
but not nested.

Bound to an `Engine` it opens a connection per transaction. Bound to a `Connection` already
inside a transaction (the tests' per-test transaction), each use case runs in a SAVEPOINT, and
the outer transaction is rolled back at the end of the test.

On an SQLite engine a unit of work holds the engine's `WriterLock` for its transaction, so
the writers of one process queue in order. `read_only=True` makes a snapshot read instead: it
takes no lock, neither in the process nor in SQLite, and must not write. `before` runs as the
block is entered, before the transaction opens (the server uses it to bring derived columns
up to date before a read).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Protocol, Self

import sqlalchemy as sa
from sqlalchemy import Connection, Engine, NestedTransaction, RootTransaction
from sqlalchemy.exc import DBAPIError, OperationalError

from hindsight.core.errors import ConfigError
from hindsight.core.policy import DEFAULT_POLICY, Policy
from hindsight.store.action_item_repository import ActionItemRepository
from hindsight.store.catalog import CatalogRepository
from hindsight.store.changes import ChangeRepository
from hindsight.store.chat_names import ChatNameRepository
from hindsight.store.engine import READ_ONLY, SQLITE_BUSY_TIMEOUT_MS, WriterLock, writer_lock
from hindsight.store.event_repository import EventRepository
from hindsight.store.job_queue import JobQueueRepository
from hindsight.store.outgoing import OutgoingRepository
from hindsight.store.postmortem_repository import PostmortemRepository
from hindsight.store.repositories import (
    AuditRepository,
    IncidentRepository,
    PayloadRepository,
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Savepoint(Protocol):
    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class UnitOfWork:
    incidents: IncidentRepository
    events: EventRepository
    payloads: PayloadRepository
    postmortems: PostmortemRepository
    audit: AuditRepository
    action_items: ActionItemRepository
    changes: ChangeRepository
    catalog: CatalogRepository
    outgoing: OutgoingRepository
    chat_names: ChatNameRepository
    jobs: JobQueueRepository

    def __init__(
        self,
        bind: Engine | Connection,
        *,
        read_only: bool = False,
        before: Callable[[], None] | None = None,
        policy: Policy = DEFAULT_POLICY,
    ) -> None:
        self.bind = bind
        self.policy = policy  # the trigger table the incidents are decided by
        self.read_only = read_only
        self.before = before
        self._connection: Connection | None = None
        self._transaction: RootTransaction | NestedTransaction | None = None
        self._owns_connection = False
        self._locked: WriterLock | None = None

    @property
    def backend(self) -> str:
        return self.bind.dialect.name

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._connection

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("the unit of work is already open")
        if self.before is not None:
            self.before()
        if isinstance(self.bind, Engine):
            lock = None if self.read_only else writer_lock(self.bind)
            if lock is not None and not lock.acquire(SQLITE_BUSY_TIMEOUT_MS / 1000):
                raise OperationalError("BEGIN IMMEDIATE", None, TimeoutError("database is locked"))
            self._locked = lock
            try:
                connection = self.bind.connect()
                self._connection = connection
                self._owns_connection = True
                if self.read_only:
                    connection.execution_options(**{READ_ONLY: True})
                self._transaction = connection.begin()
            except BaseException:
                self._release()
                raise
        else:
            self._connection = self.bind
            self._owns_connection = False
            self._transaction = self.bind.begin_nested()
        connection = self._connection
        self.incidents = IncidentRepository(connection, self.policy)
        self.events = EventRepository(connection)
        self.payloads = PayloadRepository(connection)
        self.postmortems = PostmortemRepository(connection)
        self.audit = AuditRepository(connection)
        self.action_items = ActionItemRepository(connection)
        self.changes = ChangeRepository(connection)
        self.catalog = CatalogRepository(connection)
        self.outgoing = OutgoingRepository(connection)
        self.chat_names = ChatNameRepository(connection)
        self.jobs = JobQueueRepository(connection)
        return self

    def savepoint(self) -> Savepoint:
        """A SAVEPOINT inside the open transaction: roll back one part, keep the rest."""
        return self.connection.begin_nested()

    def lock(self, names: Iterable[str]) -> bool:
        """Serialise this transaction with every other one, in any process, that locks one of
        `names`, until it ends. PostgreSQL: a transaction-scoped advisory lock per name, taken
        in one fixed order (by its 64-bit hash) so two lockers of overlapping sets cannot
        deadlock; re-entrant. SQLite needs none (`BEGIN IMMEDIATE`: one writer at a time):
        False, nothing was locked."""
        if self.backend != "postgresql":
            return False
        numbers = sorted({advisory_key(name) for name in names})
        if numbers:  # one round trip: a function scan projects its rows in the array's order
            self.connection.execute(_ADVISORY_LOCKS, {"keys": numbers})
        return True

    def commit(self) -> None:
        if self._transaction is None:
            raise RuntimeError("nothing to commit: the unit of work is not open")
        self._transaction.commit()
        self._transaction = None

    def rollback(self) -> None:
        if self._transaction is not None:
            if self._transaction.is_active:
                self._transaction.rollback()
            self._transaction = None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self.rollback()
        finally:
            self._release()
        if error is not None and _is_read_only(error):
            raise ConfigError(
                "the database is read-only: this command needs to write to it",
                where="HINDSIGHT_DATABASE_URL",
                fix="make the database file and its folder writable for this user, or point "
                "HINDSIGHT_DATABASE_URL at a writable database",
            ) from None

    def _release(self) -> None:
        try:
            if self._owns_connection and self._connection is not None:
                self._connection.close()
            self._connection = None
        finally:
            lock, self._locked = self._locked, None
            if lock is not None:
                lock.release()


_ADVISORY_LOCKS = sa.text(
    "SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) AS t(k)"
)


def advisory_key(name: str) -> int:
    """A name as PostgreSQL's signed 64-bit advisory lock key (a collision only serialises two
    unrelated writers a little more)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def is_transient(error: BaseException) -> bool:
    """A failure that trying the same transaction again can cure: PostgreSQL chose it as a
    deadlock's victim (40P01) or a serialization failure (40001)."""
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in {
        "40P01",
        "40001",
    }


def _is_read_only(error: BaseException) -> bool:
    """A write the database refused because it is read-only (the file, or the server's role)."""
    if not isinstance(error, DBAPIError):
        return False
    text = str(error.orig)
    # SQLite: "attempt to write a readonly database"; PostgreSQL: SQLSTATE 25006.
    return "readonly database" in text or getattr(error.orig, "sqlstate", None) == "25006"
