"""The jobs inside the server process (runtime.jobs.inline), on SQLite and PostgreSQL: the same
job definitions as the queue's (services.jobs), their schedule, retries with a doubling
backoff, the outbox sent once however often its job runs, and the state the runner shows."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx
import sqlalchemy as sa

from hindsight.app import create_app
from hindsight.core.errors import ConfigError
from hindsight.runtime.jobs.inline import InlineRunner
from hindsight.services import open_store
from hindsight.services.incidents import create_incident
from hindsight.services.jobs import JOBS, Job, JobContext, Outcome
from hindsight.services.outbox import queue_event
from hindsight.settings import Settings
from hindsight.store.unit_of_work import UnitOfWork, utc_now
from tests.api.receiver import Receiver, receiving
from tests.api.server import serve, token
from tests.cli.followups import incident_with_items
from tests.dbfixtures import migrated_engine

SECRET = "jobs-secret"


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.now = at.timestamp()

    def __call__(self) -> float:
        return self.now

    def to(self, at: dt.datetime) -> None:
        self.now = at.timestamp()


@pytest.fixture
def store(backend: str, tmp_path: Path) -> Iterator[sa.Engine]:
    with migrated_engine(backend, tmp_path) as engine:
        yield engine


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving(SECRET) as made:
        yield made


def _context(engine: sa.Engine, settings: Settings, client: httpx.Client) -> JobContext:
    return JobContext(
        settings, lambda: UnitOfWork(engine), lambda: UnitOfWork(engine, read_only=True), client
    )


def _runner(
    engine: sa.Engine, settings: Settings, clock: Clock, jobs: dict[str, Job] = JOBS
) -> InlineRunner:
    return InlineRunner(
        settings,
        lambda: UnitOfWork(engine),
        lambda: UnitOfWork(engine, read_only=True),
        jobs=jobs,
        clock=clock,
    )


def test_the_outbox_job_sends_a_lifecycle_event_once_however_often_it_runs(
    store: sa.Engine, receiver: Receiver
) -> None:
    settings = Settings(webhook_urls=receiver.url("/ok"), webhook_secret=SECRET)
    incident = create_incident(UnitOfWork(store), title="Checkout 500s")
    with UnitOfWork(store) as uow:
        queue_event(uow, "incident.resolved", incident, {}, now=utc_now(), once="r1")
        uow.commit()
    runner = _runner(store, settings, Clock(dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC)))
    with httpx.Client() as client:
        context = _context(store, settings, client)
        for _ in range(3):  # a queue delivers at least once: the job may run again
            assert runner.defer("outbox.send")
            assert runner.run_pending(context) == 1
    got = receiver.wait_for(incident.slug, 1)
    assert [(r.event, r.verified) for r in got] == [("incident.resolved", True)]
    assert runner.counts() == {("outbox.send", "succeeded"): 3}
    assert [j.state for j in runner.recent()] == ["succeeded"] * 3


def test_a_failing_job_runs_again_after_a_doubling_backoff_then_is_failed(
    store: sa.Engine,
) -> None:
    runs: list[float] = []
    clock = Clock(dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC))

    def flaky(context: JobContext, at: int) -> Outcome:
        runs.append(clock())
        raise RuntimeError("the tracker is down")

    jobs = {"flaky": Job("flaky", flaky, lambda s: "0 0 1 1 *")}
    settings = Settings(jobs_attempts=3, jobs_backoff_s=10)
    runner = _runner(store, settings, clock, jobs)
    runner.plan()
    start = clock()
    with httpx.Client() as client:
        context = _context(store, settings, client)
        runner.defer("flaky")
        assert runner.run_pending(context) == 1  # fails; again in 10 s
        assert runner.counts() == {("flaky", "todo"): 1}
        clock.now = start + 9
        assert runner.run_pending(context) == 0  # not yet
        clock.now = start + 10
        assert runner.run_pending(context) == 1  # fails; again in 20 s
        clock.now = start + 29
        assert runner.run_pending(context) == 0
        clock.now = start + 30
        assert runner.run_pending(context) == 1  # the third run fails: failed
        clock.now = start + 1000
        assert runner.run_pending(context) == 0
    assert [r - start for r in runs] == [0, 10, 30]
    assert runner.counts() == {("flaky", "failed"): 1}
    [job] = runner.recent()
    assert (job.task, job.state, job.attempts) == ("flaky", "failed", 3)


def test_a_job_that_fails_once_succeeds_on_its_retry(store: sa.Engine) -> None:
    clock = Clock(dt.datetime(2026, 12, 4, 10, tzinfo=dt.UTC))
    failures = [RuntimeError("once")]

    def once(context: JobContext, at: int) -> Outcome:
        if failures:
            raise failures.pop()
        return Outcome("done")

    settings = Settings(jobs_attempts=5, jobs_backoff_s=1)
    runner = _runner(store, settings, clock, {"once": Job("once", once, lambda s: "0 0 1 1 *")})
    runner.plan()
    with httpx.Client() as client:
        context = _context(store, settings, client)
        runner.defer("once")
        runner.run_pending(context)
        clock.now += 1
        runner.run_pending(context)
    assert runner.counts() == {("once", "succeeded"): 1}
    assert runner.recent()[0].attempts == 2


def test_the_schedule_defers_each_job_at_its_time_with_that_instant(store: sa.Engine) -> None:
    seen: list[int] = []

    def tick(context: JobContext, at: int) -> Outcome:
        seen.append(at)
        return Outcome("ok")

    clock = Clock(dt.datetime(2026, 12, 4, 12, 3, 20, tzinfo=dt.UTC))
    settings = Settings()
    runner = _runner(store, settings, clock, {"tick": Job("tick", tick, lambda s: "*/5 * * * *")})
    runner.plan()
    with httpx.Client() as client:
        context = _context(store, settings, client)
        assert runner.run_pending(context) == 0
        clock.to(dt.datetime(2026, 12, 4, 12, 5, 1, tzinfo=dt.UTC))
        assert runner.run_pending(context) == 1
        assert runner.run_pending(context) == 0  # once per instant
        clock.to(dt.datetime(2026, 12, 4, 12, 10, 0, tzinfo=dt.UTC))
        assert runner.run_pending(context) == 1
    assert [dt.datetime.fromtimestamp(s, dt.UTC).minute for s in seen] == [5, 10]


def test_a_poke_while_one_waits_queues_nothing_more(store: sa.Engine) -> None:
    runner = _runner(store, Settings(), Clock(dt.datetime(2026, 12, 4, tzinfo=dt.UTC)))
    assert runner.defer("outbox.send")
    assert not runner.defer("outbox.send")
    assert runner.counts() == {("outbox.send", "todo"): 1}


def test_the_job_definitions_are_the_ones_both_runners_take() -> None:
    assert set(JOBS) == {"outbox.send", "reminders.post", "trackers.sync"}
    settings = Settings()
    assert JOBS["reminders.post"].cron(settings) == "0 9 * * *"
    assert JOBS["outbox.send"].lock == JOBS["reminders.post"].lock == "outbox"


@respx.mock
def test_the_reminders_job_posts_a_day_once_however_often_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", url)
    incident_with_items(monkeypatch, tmp_path)  # items overdue and due soon on 2026-03-19
    slack = respx.post("https://slack.com/api/chat.postMessage").respond(
        200, json={"ok": True, "ts": "1.2"}
    )
    settings = Settings(
        database_url=url, slack_bot_token="xoxb-test", slack_reminder_channel="C0REMIND"
    )
    engine = open_store(url)
    try:
        runner = _runner(engine, settings, Clock(dt.datetime(2026, 3, 19, 9, tzinfo=dt.UTC)))
        day = int(dt.datetime(2026, 3, 19, 9, tzinfo=dt.UTC).timestamp())
        with httpx.Client() as client:
            context = _context(engine, settings, client)
            first = JOBS["reminders.post"].run(context, day)
            again = JOBS["reminders.post"].run(context, day + 60)  # run twice the same day
            assert slack.call_count == 1
            assert first.said.startswith("2 due, queued;") and "queued already" in again.said
            runner.defer("reminders.post", at=day + 86_400)  # the next day: its own message
            runner.run_pending(context)
        assert slack.call_count == 2
        sent = json.loads(slack.calls.last.request.content)
        assert sent["channel"] == "C0REMIND" and "Alert on pool saturation" in sent["text"]
    finally:
        engine.dispose()


def test_the_server_runs_the_jobs_in_process_and_shows_them(store: sa.Engine) -> None:
    with serve(store, metrics_public=True) as client:
        admin = token(store, "admin")
        assert client.post("/api/v1/jobs/outbox.send", headers=admin).status_code == 202
        assert client.post("/api/v1/jobs/nope", headers=admin).status_code == 404
        viewer = token(store, "viewer")
        assert client.post("/api/v1/jobs/outbox.send", headers=viewer).status_code == 403
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            body = client.get("/api/v1/jobs", headers=viewer).json()
            done = {c["task"]: c["count"] for c in body["counts"] if c["state"] == "succeeded"}
            if done.get("outbox.send", 0) >= 1:  # the sweep at start (ours joined it, or ran after)
                break
            time.sleep(0.05)
        assert body["mode"] == "inline"
        assert done["outbox.send"] >= 1, body
        assert {t["name"]: t["schedule"] for t in body["tasks"]}["reminders.post"] == "0 9 * * *"
        metrics = client.get("/metrics").text
        assert 'hindsight_jobs{state="succeeded",task="outbox.send"}' in metrics
        assert 'hindsight_jobs{state="failed",task="trackers.sync"} 0.0' in metrics


def test_a_worker_queue_on_sqlite_is_refused(store: sa.Engine) -> None:
    if store.dialect.name != "sqlite":
        pytest.skip("the refusal is SQLite's")
    with pytest.raises(ConfigError, match="needs PostgreSQL"):
        create_app(Settings(jobs="worker"), engine=store)


def test_the_outbox_watch_defers_its_job_when_an_event_is_queued_anywhere(
    store: sa.Engine, receiver: Receiver
) -> None:
    settings = Settings(webhook_urls=receiver.url("/ok"), webhook_secret=SECRET, jobs_watch_s=1)
    clock = Clock(dt.datetime(2026, 12, 4, 10, 0, 30, tzinfo=dt.UTC))
    runner = _runner(store, settings, clock)
    runner.plan()
    with httpx.Client() as client:
        context = _context(store, settings, client)
        assert runner.run_pending(context) == 0  # nothing queued: no job
        incident = create_incident(UnitOfWork(store), title="Checkout 500s")
        with UnitOfWork(store) as uow:  # as another process would, without a poke
            queue_event(uow, "incident.resolved", incident, {}, now=utc_now(), once="r1")
            uow.commit()
        assert runner.run_pending(context) == 0  # not looked yet
        clock.now += 1
        assert runner.run_pending(context) == 1
    assert len(receiver.wait_for(incident.slug, 1)) == 1
