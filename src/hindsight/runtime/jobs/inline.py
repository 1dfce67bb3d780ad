"""The jobs inside the server process (HINDSIGHT_JOBS=inline): one thread runs the jobs of
`services.jobs` on their schedule, when their watch sees work and when poked, one at a time,
a failing one again after the same doubling backoff as the queue's, `jobs_attempts` runs in
all.

Nothing here needs to be durable: every job is a sweep over rows the store keeps (the outbox,
the action items), so what a restart interrupts the next run does, and the outbox is swept
once at start. What the runner did since it started is what /metrics and the API show.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from croniter import croniter

from hindsight.services import UnitOfWork
from hindsight.services.jobs import (
    JOBS,
    Job,
    JobContext,
    QueuedJob,
    backoff_s,
    should_retry,
)
from hindsight.settings import Settings

log = logging.getLogger("hindsight.jobs")
IDLE_S = 60.0  # the longest sleep: a changed clock is noticed within a minute


@dataclass
class _Entry:
    id: int
    job: Job
    at: int  # the Unix second it was scheduled for (the job's argument)
    run_after: float
    attempts: int = 0  # runs finished so far (as procrastinate counts)
    state: str = "todo"  # todo | doing | succeeded | failed
    scheduled_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    def view(self) -> QueuedJob:
        return QueuedJob(
            self.id, self.job.name, self.state, self.attempts, self.scheduled_at, self.updated_at
        )


class InlineRunner:
    mode = "inline"

    def __init__(
        self,
        settings: Settings,
        uow: Callable[[], UnitOfWork],
        read_uow: Callable[[], UnitOfWork],
        *,
        jobs: Mapping[str, Job] = JOBS,
        client: httpx.Client | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.jobs = dict(jobs)
        self._uow = uow
        self._read_uow = read_uow
        self._client = client
        self._clock = clock
        self._ids = itertools.count(1)
        self._todo: list[_Entry] = []
        self._running: _Entry | None = None
        self._finished: deque[_Entry] = deque(maxlen=200)
        self._totals: Counter[tuple[str, str]] = Counter()
        self._next: dict[str, float] = {}
        self._watch_next = 0.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- the runner ---------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self.plan()
        if "outbox.send" in self.jobs:
            self.poke("outbox.send")  # what a restart left in the outbox
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="jobs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop after the job running now (the ones waiting run after the next start)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def plan(self) -> None:
        """Each job's next scheduled run from now on (runs missed while stopped are not made
        up: each job's next run does what they would have)."""
        now = self._clock()
        self._next = {name: self._after(job, now) for name, job in self.jobs.items()}

    def poke(self, name: str) -> None:
        self.defer(name)

    def defer(self, name: str, at: int | None = None) -> bool:
        """Queue job `name` to run now (for the instant `at`, by default now); False when one
        is already waiting to run (a queueing lock; a retry waiting for its backoff is not)."""
        job = self.jobs[name]
        now = self._clock()
        run_after = now
        with self._lock:
            if any(e.job.name == name and e.attempts == 0 for e in self._todo):
                return False
            self._todo.append(
                _Entry(
                    next(self._ids),
                    job,
                    int(now) if at is None else at,
                    run_after,
                    scheduled_at=_instant(run_after),
                )
            )
        self._wake.set()
        return True

    def run_pending(self, context: JobContext) -> int:
        """Defer what the schedule says is due, then run every job that is ready now, one at a
        time; the number run. (The thread's step; tests call it directly.)"""
        ran = 0
        now = self._clock()
        if now >= self._watch_next:
            self._watch_next = now + self.settings.jobs_watch_s
            for name, job in self.jobs.items():
                if job.watch is not None and job.watch(context):
                    self.defer(name)
        for name, job in self.jobs.items():
            if self._next.get(name, now + 1) <= now:
                self.defer(name, at=int(self._next[name]))
                self._next[name] = self._after(job, now)
        while (entry := self._take()) is not None:
            self._execute(entry, context)
            ran += 1
        return ran

    # --- what it is doing -----------------------------------------------------------------

    def counts(self) -> dict[tuple[str, str], int]:
        with self._lock:
            counts = Counter(self._totals)
            for entry in self._todo:
                counts[(entry.job.name, "todo")] += 1
            if self._running is not None:
                counts[(self._running.job.name, "doing")] += 1
        return dict(counts)

    def recent(self, limit: int = 50) -> list[QueuedJob]:
        with self._lock:
            entries = [*self._finished, *self._todo]
            if self._running is not None:
                entries.append(self._running)
        return [e.view() for e in sorted(entries, key=lambda e: e.id, reverse=True)[:limit]]

    # --- inside -------------------------------------------------------------------------

    def _after(self, job: Job, now: float) -> float:
        return float(croniter(job.cron(self.settings), now).get_next(float))

    def _take(self) -> _Entry | None:
        now = self._clock()
        with self._lock:
            for entry in self._todo:
                if entry.run_after <= now:
                    self._todo.remove(entry)
                    entry.state = "doing"
                    entry.updated_at = _instant(now)
                    self._running = entry
                    return entry
        return None

    def _execute(self, entry: _Entry, context: JobContext) -> None:
        try:
            outcome = entry.job.run(context, entry.at)
        except Exception as error:
            entry.attempts += 1
            failures = entry.attempts  # every run before this one failed too
            retry = should_retry(self.settings, failures)
            log.warning(
                "job failed",
                extra={"job": entry.job.name, "attempt": failures, "error": repr(error)},
            )
            now = self._clock()
            with self._lock:
                self._running = None
                entry.updated_at = _instant(now)
                if retry:
                    entry.state = "todo"
                    entry.run_after = now + backoff_s(self.settings, failures)
                    self._todo.append(entry)
                else:
                    entry.state = "failed"
                    self._finish(entry)
            return
        log.info("job done", extra={"job": entry.job.name, "result": outcome.said})
        with self._lock:
            self._running = None
            entry.attempts += 1
            entry.state = "succeeded"
            entry.updated_at = _instant(self._clock())
            self._finish(entry)

    def _finish(self, entry: _Entry) -> None:
        self._finished.append(entry)
        self._totals[(entry.job.name, entry.state)] += 1

    def _wait_s(self) -> float:
        now = self._clock()
        with self._lock:
            times = [
                *self._next.values(),
                *(e.run_after for e in self._todo),
                self._watch_next,
            ]
        return max(0.0, min([IDLE_S, *(t - now for t in times)]))

    def _run(self) -> None:
        client = self._client or httpx.Client()
        context = JobContext(self.settings, self._uow, self._read_uow, client)
        try:
            while not self._stopping.is_set():
                try:
                    self.run_pending(context)
                except Exception:  # a bug of the runner itself: keep the server's jobs going
                    log.exception("the job runner failed")
                self._wake.wait(self._wait_s())
                self._wake.clear()
        finally:
            if self._client is None:
                client.close()


def _instant(unix: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix, dt.UTC)
