"""The jobs on PostgreSQL's job queue (HINDSIGHT_JOBS=worker), with procrastinate: its tables
live in the store's database (migration 0011), so a deferred job survives any restart.

- `run_worker(settings)` is `hindsight worker`: it runs the jobs of `services.jobs`, defers a
  watched job when its watch sees work, and runs their periodic schedule (procrastinate defers
  each periodic job once per scheduled instant, however many workers run); it retries a
  failing job after the doubling backoff of `services.jobs`, and beats a heartbeat; a worker
  silent for `jobs_stalled_after_s` is taken for dead (SIGKILL, a lost machine) and any worker
  runs its unfinished jobs again — at least once, which the jobs' idempotency turns into once.
- `QueueDeferrer` is the server's side: it defers a job when something happened (a
  publication: `outbox.send` now, not at the next sweep) and reads the queue's state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx
import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Job as QueueJob

from hindsight.services import UnitOfWork, open_store
from hindsight.services.jobs import (
    JOBS,
    Job,
    JobContext,
    QueuedJob,
    backoff_s,
    queue_conninfo,
    queue_counts,
    queue_recent,
    should_retry,
)
from hindsight.services.policy import settings_policy
from hindsight.settings import Settings

log = logging.getLogger("hindsight.jobs")
PRUNE = "queue.prune"
PRUNE_CRON = "17 3 * * *"  # daily, at a quiet time


class Backoff(procrastinate.BaseRetryStrategy):
    """procrastinate's retry decision by `services.jobs`' rule (the in-process runner's too)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def get_retry_decision(
        self, *, exception: BaseException, job: QueueJob
    ) -> procrastinate.RetryDecision | None:
        failures = job.attempts + 1  # its runs finished before this one, all failed
        if not should_retry(self.settings, failures):
            return None
        wait_ms = round(backoff_s(self.settings, failures) * 1000)
        return procrastinate.RetryDecision(retry_in={"milliseconds": wait_ms})


def build_app(settings: Settings, context: Callable[[], JobContext]) -> procrastinate.App:
    """The queue with every job of `services.jobs` as a task, on its periodic schedule."""
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=queue_conninfo(settings.database_url))
    )
    retry = Backoff(settings)
    for job in JOBS.values():
        task = app.task(name=job.name, retry=retry, lock=job.lock)(_task(job, context))
        app.periodic(cron=job.cron(settings), periodic_id=job.name)(task)

    @app.periodic(cron=PRUNE_CRON, periodic_id=PRUNE)
    @app.task(name=PRUNE, queueing_lock=PRUNE)
    async def prune(timestamp: int) -> None:
        """The queue's own upkeep (not a job of ours): finished jobs past `jobs_keep_days`."""
        await app.job_manager.delete_old_jobs(
            nb_hours=settings.jobs_keep_days * 24, include_failed=True, include_cancelled=True
        )

    return app


def _task(job: Job, context: Callable[[], JobContext]) -> Callable[..., str]:
    def run(timestamp: int | None = None) -> str:
        outcome = job.run(context(), int(time.time()) if timestamp is None else timestamp)
        log.info("job done", extra={"job": job.name, "result": outcome.said})
        return outcome.said

    run.__name__ = job.name.replace(".", "_")
    return run


async def _watching(app: procrastinate.App, settings: Settings, context: JobContext) -> None:
    """Every `jobs_watch_s`, defer each watched job that has work (one waiting at a time: its
    queueing lock), so work queued by any process is done without waiting for the schedule."""
    watched = [job for job in JOBS.values() if job.watch is not None]
    while True:
        for job in watched:
            assert job.watch is not None
            try:
                if await asyncio.to_thread(job.watch, context):
                    with contextlib.suppress(AlreadyEnqueued):
                        await app.configure_task(
                            job.name, queueing_lock=job.name, lock=job.lock
                        ).defer_async(timestamp=int(time.time()))
            except Exception:
                log.exception("watching for work failed", extra={"job": job.name})
        await asyncio.sleep(settings.jobs_watch_s)


async def recover_stalled(app: procrastinate.App, settings: Settings) -> int:
    """Put the jobs of dead workers (no heartbeat for `jobs_stalled_after_s`) back in the queue;
    how many."""
    stalled = await app.job_manager.get_stalled_jobs(
        seconds_since_heartbeat=settings.jobs_stalled_after_s
    )
    count = 0
    for job in stalled:
        log.warning("job of a dead worker runs again", extra={"job": job.task_name, "id": job.id})
        try:
            await app.job_manager.retry_job(job)
        except UniqueViolation as taken:
            if taken.queueing_lock is None:
                raise
            # A twin was deferred meanwhile (a poke, a watch) and waits behind this job's lock:
            # it would do the same work, so it makes way and this job runs again instead.
            for twin in await app.job_manager.list_jobs_async(
                queueing_lock=taken.queueing_lock, status="todo"
            ):
                assert twin.id is not None
                await app.job_manager.cancel_job_by_id_async(twin.id)
            await app.job_manager.retry_job(job)
        count += 1
    return count


async def _recovering(app: procrastinate.App, settings: Settings) -> None:
    while True:
        try:
            await recover_stalled(app, settings)
        except Exception:
            log.exception("recovering stalled jobs failed")
        await asyncio.sleep(settings.jobs_stalled_after_s / 3)


def run_worker(settings: Settings, *, concurrency: int = 1, name: str | None = None) -> None:
    """`hindsight worker`: run the jobs until SIGINT or SIGTERM (the job running then ends
    first)."""
    engine = open_store(settings.database_url)  # migrated: the queue's tables are there
    policy = settings_policy(settings)
    client = httpx.Client()
    context = JobContext(
        settings,
        lambda: UnitOfWork(engine, policy=policy),
        lambda: UnitOfWork(engine, read_only=True, policy=policy),
        client,
    )
    app = build_app(settings, lambda: context)

    async def main() -> None:
        async with app.open_async():
            recovering = asyncio.create_task(_recovering(app, settings))
            watching = asyncio.create_task(_watching(app, settings, context))
            try:
                await app.run_worker_async(
                    concurrency=concurrency,
                    name=name or "worker",
                    update_heartbeat_interval=settings.jobs_stalled_after_s / 3,
                    stalled_worker_timeout=settings.jobs_stalled_after_s,
                    install_signal_handlers=True,
                )
            finally:
                recovering.cancel()
                watching.cancel()

    try:
        asyncio.run(main())
    finally:
        client.close()
        engine.dispose()


class QueueDeferrer:
    """The server's side of the queue: defers, reads; runs nothing."""

    mode = "worker"

    def __init__(self, settings: Settings, read_uow: Callable[[], UnitOfWork]) -> None:
        self.settings = settings
        self._read_uow = read_uow
        self._app = procrastinate.App(
            connector=procrastinate.SyncPsycopgConnector(
                conninfo=queue_conninfo(settings.database_url), min_size=1, max_size=2
            )
        )
        self._open = False

    def start(self) -> None:
        if not self._open:
            self._app.open()
            self._open = True

    def stop(self) -> None:
        if self._open:
            self._app.close()
            self._open = False

    def poke(self, name: str) -> None:
        self.defer(name)

    def defer(self, name: str, **kwargs: Any) -> bool:
        """Defer job `name` now; False when one is already waiting (its queueing lock)."""
        job = JOBS[name]
        try:
            self._app.configure_task(name, queueing_lock=name, lock=job.lock).defer(
                timestamp=int(time.time()), **kwargs
            )
        except AlreadyEnqueued:
            return False
        return True

    def counts(self) -> dict[tuple[str, str], int]:
        return queue_counts(self._read_uow())

    def recent(self, limit: int = 50) -> list[QueuedJob]:
        return queue_recent(self._read_uow(), limit)
