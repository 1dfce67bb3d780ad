"""Group commit for a server's webhook deliveries.

Under SQLite's one write lock every delivery paid a transaction of its own (BEGIN, the
lookups, the commit), and at a few hundred deliveries a second the queue for that lock is
what made the slowest answers slow. The app's `DeliveryWriter` is one thread that takes every
delivery waiting for the write path (up to `max_batch`) and stores them in ONE transaction:
each in a SAVEPOINT of its own, in the order they arrived, so a delivery that fails (an
unknown incident, nothing to attach it to, a database error) rolls back only itself and gets
its own error, and a delivery that changes nothing (a re-delivery) is rolled back as it would
be alone. Later deliveries in a batch see the earlier ones' writes (the same transaction), so
idempotency and correlation are exactly as if they had been stored one after another. The
batch is committed once, and only then is each delivery's future resolved: an acknowledgement
always means committed. If the batch as a whole fails (the commit, the connection, a
savepoint that cannot be rolled back), nothing of it is stored and each delivery is stored
again in a transaction of its own, so a poison delivery fails alone and its batch-mates are
committed. A delivery that fails because of what it carries (text no store can keep) gets
its `SourceError` — an input error, answered 4xx — not the database's.

Across processes (several servers on one PostgreSQL) a batch first locks, in one fixed order,
the digests and correlation keys of all its deliveries (`UnitOfWork.lock`): a twin delivery
on another server waits for this commit and then finds its payload stored ("already
received", a 2xx), and one alert group's deliveries are placed one after another, so they
never open two incidents. Locking the whole batch up front, sorted, is what keeps two
servers' batches from deadlocking on each other; a batch PostgreSQL still picks as a deadlock
or serialization victim (row locks) is tried again, whole, up to `RETRIES` times.

`submit` returns None when the writer is not running (before start, after stop): the caller
then stores the delivery itself. `stop` stores whatever was submitted before it.
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import random
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from hindsight.core.errors import UserError
from hindsight.core.events import Event
from hindsight.services.ingest import (
    DEFAULT_WINDOW,
    IngestResult,
    Parsed,
    ingest_parsed,
    lock_names,
)
from hindsight.sources import SourceError
from hindsight.sources.reading import check_events
from hindsight.store.unit_of_work import UnitOfWork, is_transient

log = logging.getLogger(__name__)

MAX_BATCH = 64
RETRIES = 4  # tries of a batch PostgreSQL aborted as a deadlock or serialization victim


@dataclass(frozen=True)
class Pending:
    parsed: Parsed
    incident: int | str | None
    actor: str
    window: dt.timedelta
    future: Future[IngestResult]


@dataclass
class WriterStats:
    batches: int = 0  # transactions committed (or attempted)
    deliveries: int = 0  # deliveries taken from the queue
    largest: int = 0  # the largest batch


_STOP = object()


class DeliveryWriter:
    """One writer thread storing queued deliveries a batch per transaction (`submit`,
    `start`, `stop`). `deferred()` says whether milestones are refreshed later (then each
    changed incident is passed to `committed` after the commit) or in the transaction."""

    def __init__(
        self,
        write_uow: Callable[[], UnitOfWork],
        *,
        deferred: Callable[[], bool] = lambda: False,
        committed: Callable[[int, Sequence[Event]], None] = lambda _incident, _events: None,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._write_uow = write_uow
        self._deferred = deferred
        self._committed = committed
        self.max_batch = max_batch
        self.stats = WriterStats()
        self._queue: queue.SimpleQueue[Pending | object] = queue.SimpleQueue()
        self._state = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def submit(
        self,
        parsed: Parsed,
        *,
        incident: int | str | None = None,
        actor: str = "ingest",
        window: dt.timedelta = DEFAULT_WINDOW,
    ) -> Future[IngestResult] | None:
        """Queue a parsed delivery; its future resolves once it is committed (or with its
        error). None if the writer is not running: store it yourself."""
        future: Future[IngestResult] = Future()
        with self._state:
            if self._thread is None:
                return None
            self._queue.put(Pending(parsed, incident, actor, window, future))
        return future

    def start(self) -> None:
        with self._state:
            if self._thread is not None:
                return
            self._thread = threading.Thread(
                target=self._run, name="hindsight-delivery-writer", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Store everything submitted so far, then stop the thread."""
        with self._state:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            self._queue.put(_STOP)
        thread.join()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            stop = False
            while len(batch) < self.max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                batch.append(item)
            self.write([p for p in batch if isinstance(p, Pending)])
            if stop:
                return

    def write(self, batch: list[Pending]) -> None:
        """Store `batch` in one transaction and resolve each delivery's future."""
        batch = [p for p in batch if p.future.set_running_or_notify_cancel()]
        if not batch:
            return
        self.stats.batches += 1
        self.stats.deliveries += len(batch)
        self.stats.largest = max(self.stats.largest, len(batch))
        deferred = self._deferred()
        try:
            outcomes = _retrying(lambda: self._transaction(batch, refresh=not deferred))
        except Exception as error:  # the batch as a whole: nothing in it is stored
            if len(batch) == 1:
                batch[0].future.set_exception(_blame(batch[0], error))
                return
            log.warning(
                "a batch of %d deliveries failed (%s): storing each alone", len(batch), error
            )
            for pending in batch:
                self._alone(pending, refresh=not deferred)
            return
        self._resolve(batch, outcomes, deferred)

    def _transaction(
        self, batch: list[Pending], *, refresh: bool
    ) -> list[IngestResult | BaseException]:
        """Store `batch` in one transaction, each delivery in a savepoint; their outcomes."""
        outcomes: list[IngestResult | BaseException] = []
        with self._write_uow() as uow:
            uow.lock(name for pending in batch for name in lock_names(pending.parsed))
            for pending in batch:
                outcomes.append(self._one(uow, pending, refresh=refresh))
            uow.commit()
        return outcomes

    def _alone(self, pending: Pending, *, refresh: bool) -> None:
        """Store one delivery of a failed batch in a transaction of its own."""
        try:
            outcome = _retrying(lambda: self._transaction([pending], refresh=refresh))[0]
        except Exception as error:
            pending.future.set_exception(_blame(pending, error))
            return
        self._resolve([pending], [outcome], not refresh)

    def _resolve(
        self,
        batch: list[Pending],
        outcomes: list[IngestResult | BaseException],
        deferred: bool,
    ) -> None:
        for pending, outcome in zip(batch, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                pending.future.set_exception(outcome)
                continue
            if deferred and outcome.changed and outcome.placed is not None:
                try:
                    self._committed(outcome.incident.id, pending.parsed.events)
                except Exception:  # a mark must not cost the acknowledgement
                    log.exception("marking incident %d failed", outcome.incident.id)
            pending.future.set_result(outcome)

    @staticmethod
    def _one(uow: UnitOfWork, pending: Pending, *, refresh: bool) -> IngestResult | Exception:
        savepoint = uow.savepoint()
        try:
            result = ingest_parsed(
                uow,
                pending.parsed,
                incident=pending.incident,
                actor=pending.actor,
                window=pending.window,
                refresh=refresh,
            )
        except Exception as error:
            if is_transient(error):
                raise  # the batch is tried again, whole
            savepoint.rollback()  # if this fails, the whole batch does
            return _blame(pending, error)
        if result.changed:
            savepoint.commit()
        else:
            savepoint.rollback()  # as alone: a delivery that changes nothing writes nothing
        return result


def _retrying(
    attempt: Callable[[], list[IngestResult | BaseException]],
) -> list[IngestResult | BaseException]:
    """`attempt()`, tried again after a short random pause while PostgreSQL aborts it as a
    deadlock or serialization victim (nothing of it was committed)."""
    for n in range(RETRIES):
        try:
            return attempt()
        except Exception as error:
            if not is_transient(error) or n == RETRIES - 1:
                raise
            log.info("delivery batch aborted by the database (%s): trying again", error)
            time.sleep(random.uniform(0.005, 0.05) * (n + 1))
    raise AssertionError("unreachable")


def _blame(pending: Pending, error: Exception) -> Exception:
    """The delivery's own input error if what it carries is what the store refused (its
    `SourceError`: a 4xx), else the error itself."""
    if isinstance(error, UserError):
        return error
    try:
        check_events(pending.parsed.name, pending.parsed.events, pending.parsed.keys)
    except SourceError as refused:
        return refused
    return error
