"""One transaction per use case.

A service enters the unit of work, does its reads and writes through the repositories and
calls `commit()`; leaving the block without committing rolls everything back, so a use case is
all or nothing. The unit of work is re-entrant in sequence (each `with` is a new transaction)
but not nested.

Bound to an `Engine` it opens a connection per transaction. Bound to a `Connection` already
inside a transaction (the tests' per-test transaction), each use case runs in a SAVEPOINT, and
the outer transaction is rolled back at the end of the test.
"""

from __future__ import annotations

import datetime as dt
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine, NestedTransaction, RootTransaction

from hindsight.store.repositories import (
    AuditRepository,
    EventRepository,
    IncidentRepository,
    PayloadRepository,
    PostmortemRepository,
)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UnitOfWork:
    incidents: IncidentRepository
    events: EventRepository
    payloads: PayloadRepository
    postmortems: PostmortemRepository
    audit: AuditRepository

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = bind
        self._connection: Connection | None = None
        self._transaction: RootTransaction | NestedTransaction | None = None
        self._owns_connection = False

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
        if isinstance(self.bind, Engine):
            self._connection = self.bind.connect()
            self._owns_connection = True
            self._transaction = self._connection.begin()
        else:
            self._connection = self.bind
            self._owns_connection = False
            self._transaction = self.bind.begin_nested()
        connection = self._connection
        self.incidents = IncidentRepository(connection)
        self.events = EventRepository(connection)
        self.payloads = PayloadRepository(connection)
        self.postmortems = PostmortemRepository(connection)
        self.audit = AuditRepository(connection)
        return self

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
            if self._owns_connection and self._connection is not None:
                self._connection.close()
            self._connection = None
