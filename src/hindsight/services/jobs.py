"""Background work as jobs, defined once here and run by either runner (runtime.jobs):

- on PostgreSQL with HINDSIGHT_JOBS=worker, by procrastinate's queue: `hindsight worker`
  processes take the jobs, the schedule and the retries; the server only defers;
- otherwise inside the server process (runtime.jobs.inline), with the same schedule and the
  same retries.

A job is a plain function of a `JobContext` and the Unix second it was scheduled for, returning
an `Outcome` (what it did). Besides its schedule a job may have a `watch`: a cheap read the
runners make every `jobs_watch_s` and defer the job when it says there is work (the outbox: an
event queued by any process, a delivery whose backoff has passed), so a resolve or a move is
announced within a second without a job per second. Every job is idempotent, because a queue
delivers at least once (a worker killed mid-job runs it again):

- `outbox.send` attempts what the outbox holds (services.publishing): each delivery is a row
  unique by its key, attempted only while pending, so a second run sends nothing twice that
  the first one recorded, and a receiver drops a repeat by its `X-Hindsight-Delivery`;
- `reminders.post` queues the day's reminder as one outbox delivery keyed by the day, then
  sends it: however often it runs that day, Slack gets one message;
- `trackers.sync` is the tracker sync, which finds an issue it opened by the item's marker
  before opening one (services.tracker_sync).

A job that raises runs again after `backoff_s` (doubling), `jobs_attempts` runs in all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from hindsight.services import publishing, reminders
from hindsight.services.tracker_sync import sync_configured
from hindsight.settings import Settings
from hindsight.store.job_queue import QueuedJob, queue_conninfo
from hindsight.store.unit_of_work import UnitOfWork, utc_now

__all__ = [
    "JOBS",
    "Job",
    "JobContext",
    "Outcome",
    "QueuedJob",
    "backoff_s",
    "queue_conninfo",
    "queue_counts",
    "queue_recent",
    "should_retry",
]

REMINDERS = "reminders.due"


@dataclass(frozen=True)
class JobContext:
    settings: Settings
    uow: Callable[[], UnitOfWork]
    read_uow: Callable[[], UnitOfWork]
    client: httpx.Client


@dataclass(frozen=True)
class Outcome:
    said: str


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[JobContext, int], Outcome]  # (context, scheduled Unix second)
    cron: Callable[[Settings], str]  # its periodic schedule
    # Jobs sharing a lock never run at the same time (two senders would race for one row).
    lock: str | None = None
    watch: Callable[[JobContext], bool] | None = None  # is there work for it now?


def backoff_s(settings: Settings, failures: int) -> float:
    """Seconds to wait after the `failures`-th failed run (1, 2, …): doubling."""
    return float(settings.jobs_backoff_s * 2 ** (failures - 1))


def should_retry(settings: Settings, failures: int) -> bool:
    return failures < settings.jobs_attempts


def send_outbox(context: JobContext, at: int) -> Outcome:
    counts = publishing.run_once(
        context.uow, context.settings, context.client, read_uow=context.read_uow
    )
    said = ", ".join(f"{state}: {n}" for state, n in sorted(counts.items()))
    return Outcome(said or "nothing due")


def outbox_work(context: JobContext) -> bool:
    with context.read_uow() as uow:
        return publishing.work_due(uow, context.settings, utc_now())


def post_reminders(context: JobContext, at: int) -> Outcome:
    settings = context.settings
    if settings.slack_bot_token is None or not settings.slack_reminder_channel:
        return Outcome(
            "not configured (HINDSIGHT_SLACK_BOT_TOKEN, HINDSIGHT_SLACK_REMINDER_CHANNEL)"
        )
    day = dt.datetime.fromtimestamp(at, dt.UTC).date()
    due = reminders.collect(context.uow(), settings, day)
    if not due.items:
        return Outcome("nothing due")
    with context.uow() as uow:
        queued = uow.outgoing.add(
            key=f"{REMINDERS}:{day.isoformat()}",
            event=REMINDERS,
            target=publishing.SLACK_PREFIX + settings.slack_reminder_channel,
            incident_id=None,
            body={"event": REMINDERS, "day": day.isoformat(), "text": due.text},
            now=utc_now(),
        )
        uow.commit()
    sent = send_outbox(context, at)
    return Outcome(f"{len(due.items)} due, {'queued' if queued else 'queued already'}; {sent.said}")


def sync_trackers(context: JobContext, at: int) -> Outcome:
    if context.settings.tracker == "none":
        return Outcome("not configured (HINDSIGHT_TRACKER)")
    name, report = sync_configured(context.uow(), context.settings)
    return Outcome(
        f"{name}: {len(report.opened)} opened, {len(report.relinked)} found again, "
        f"{len(report.moved)} moved, {len(report.closed)} closed"
    )


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "outbox.send",
            send_outbox,
            lambda s: s.jobs_outbox_cron,
            lock="outbox",
            watch=outbox_work,
        ),
        Job("reminders.post", post_reminders, lambda s: s.jobs_reminders_cron, lock="outbox"),
        Job("trackers.sync", sync_trackers, lambda s: s.jobs_tracker_sync_cron),
    )
}


def queue_counts(uow: UnitOfWork) -> dict[tuple[str, str], int]:
    """The queue's jobs by (task, state) on PostgreSQL (none on SQLite)."""
    with uow:
        return uow.jobs.counts()


def queue_recent(uow: UnitOfWork, limit: int = 50) -> list[QueuedJob]:
    with uow:
        return uow.jobs.recent(limit)
