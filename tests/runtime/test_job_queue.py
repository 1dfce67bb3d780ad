"""The jobs on PostgreSQL's queue (procrastinate) with real `hindsight worker` processes: a
worker SIGKILLed in the middle of a job, whose job runs again in the next worker and whose
effect happens once; a failing job retried after a doubling backoff, then failed; the periodic
schedule deferring jobs; the queue's state in /metrics and GET /api/v1/jobs."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa

from hindsight.runtime.jobs.queue import PRUNE, QueueDeferrer, build_app
from hindsight.services.incidents import create_incident
from hindsight.services.outbox import queue_event
from hindsight.settings import Settings
from hindsight.store.unit_of_work import UnitOfWork, utc_now
from tests.api.server import serve, token
from tests.dbfixtures import migrated_engine

T = TypeVar("T")


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[sa.Engine]:
    with migrated_engine("postgresql", tmp_path) as engine:
        yield engine


def _url(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@contextmanager
def worker(engine: sa.Engine, log: Path, **env: str) -> Iterator[subprocess.Popen[bytes]]:
    """A real `hindsight worker` on `engine`'s database; stopped (SIGTERM) at the end."""
    environ = {
        **os.environ,
        "HINDSIGHT_DATABASE_URL": _url(engine),
        "HINDSIGHT_JOBS": "worker",
        "HINDSIGHT_JOBS_STALLED_AFTER_S": "2",
        "HINDSIGHT_LOG_JSON": "false",
        **env,
    }
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "hindsight", "worker", "--log-level", "debug"],
            env=environ,
            stdout=out,
            stderr=out,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def eventually(what: Callable[[], T | None], timeout: float = 40.0, log: Path | None = None) -> T:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(0.1)
    said = log.read_text(errors="replace")[-4000:] if log else ""
    raise AssertionError(f"not within {timeout} s\n{said}")


def jobs(engine: sa.Engine, task: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT id, status::text AS status, attempts FROM procrastinate_jobs "
            "WHERE task_name = %(task)s ORDER BY id",
            {"task": task},
        ).mappings()
        return [dict(r) for r in rows]


@dataclass
class Holding:
    """A webhook receiver that keeps the first request waiting until `release` is set (the
    worker is killed meanwhile), and answers 200 to every other."""

    port: int = 0
    deliveries: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def holding() -> Iterator[Holding]:
    state = Holding()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                state.deliveries.append(self.headers.get("X-Hindsight-Delivery", ""))
                first = len(state.deliveries) == 1
            if first:
                state.release.wait(30)
            try:
                self.send_response(200)
                self.end_headers()
            except OSError:
                pass  # the worker that asked is gone

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()


def _defer(engine: sa.Engine, name: str) -> None:
    settings = Settings(database_url=_url(engine), jobs="worker")
    deferrer = QueueDeferrer(settings, lambda: UnitOfWork(engine, read_only=True))
    deferrer.start()
    try:
        assert deferrer.defer(name)
        assert not deferrer.defer(name)  # one waits already: its queueing lock
    finally:
        deferrer.stop()


@pytest.mark.slow
def test_a_job_killed_mid_run_runs_again_in_the_next_worker_and_its_effect_happens_once(
    queue: sa.Engine, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    incident = create_incident(UnitOfWork(queue), title="Checkout 500s")
    with UnitOfWork(queue) as uow:
        queue_event(uow, "incident.resolved", incident, {}, now=utc_now(), once="r1")
        uow.commit()
    with holding() as receiver:
        env = {"HINDSIGHT_WEBHOOK_URLS": f"http://127.0.0.1:{receiver.port}/hook"}
        _defer(queue, "outbox.send")
        with worker(queue, log, **env) as first:
            eventually(lambda: receiver.deliveries, log=log)  # the job is mid-delivery
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        receiver.release.set()
        [killed] = [j for j in jobs(queue, "outbox.send") if j["status"] == "doing"]
        with worker(queue, log, **env):
            eventually(lambda: len(receiver.deliveries) >= 2, log=log)
            eventually(
                lambda: (
                    {j["id"]: j for j in jobs(queue, "outbox.send")}[killed["id"]]["status"]
                    == "succeeded"
                ),
                log=log,
            )
    # It ran again: the receiver was asked twice, by the one delivery key it drops repeats by.
    assert len(receiver.deliveries) == 2
    assert len(set(receiver.deliveries)) == 1
    # And happened once: one delivery row for the target, delivered at its first recorded try.
    with UnitOfWork(queue, read_only=True) as uow:
        rows = [d for d in uow.outgoing.recent() if d.target.endswith("/hook")]
    assert [(d.state, d.attempts) for d in rows] == [("delivered", 1)]


@pytest.mark.slow
def test_a_failing_job_is_retried_after_a_doubling_backoff_then_failed(
    queue: sa.Engine, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    _defer(queue, "trackers.sync")
    # GitHub named without its repository: every run of the sync fails (a ConfigError).
    env = {
        "HINDSIGHT_TRACKER": "github",
        "HINDSIGHT_JOBS_ATTEMPTS": "3",
        "HINDSIGHT_JOBS_TRACKER_SYNC_CRON": "0 0 1 1 *",  # only the deferred run, no periodic one
    }
    with worker(queue, log, HINDSIGHT_JOBS_BACKOFF_S="1", **env):
        eventually(
            lambda: [j for j in jobs(queue, "trackers.sync") if j["status"] == "failed"], log=log
        )
    [job] = jobs(queue, "trackers.sync")
    assert (job["status"], job["attempts"]) == ("failed", 3)  # three runs
    with queue.connect() as connection:
        started = connection.exec_driver_sql(
            "SELECT at FROM procrastinate_events WHERE job_id = %(id)s AND type = 'started' "
            "ORDER BY at",
            {"id": job["id"]},
        ).scalars()
        times = list(started)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    assert len(times) == 3
    assert gaps[0] >= 1 and gaps[1] >= 2, gaps  # 1 s, then 2 s


@pytest.mark.slow
def test_the_periodic_schedule_defers_jobs_and_the_state_shows_in_metrics_and_the_api(
    queue: sa.Engine, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    with worker(queue, log, HINDSIGHT_JOBS_OUTBOX_CRON="* * * * * *"):  # every second
        eventually(
            lambda: len([j for j in jobs(queue, "outbox.send") if j["status"] == "succeeded"]) >= 2,
            log=log,
        )
    with queue.connect() as connection:
        stamps = connection.exec_driver_sql(
            "SELECT (args->>'timestamp')::bigint FROM procrastinate_jobs "
            "WHERE task_name = 'outbox.send' ORDER BY id"
        ).scalars()
        seconds = list(stamps)
    # One job per scheduled second, each with its instant (the job's argument).
    assert len(seconds) >= 2 and len(set(seconds)) == len(seconds)
    assert all(b - a >= 1 for a, b in itertools.pairwise(seconds))
    done = len([j for j in jobs(queue, "outbox.send") if j["status"] == "succeeded"])
    with serve(queue, database_url=_url(queue), jobs="worker", metrics_public=True) as client:
        viewer = token(queue, "viewer")
        listed = client.get("/api/v1/jobs", headers=viewer)
        assert listed.status_code == 200, listed.text
        body = listed.json()
        assert body["mode"] == "worker"
        counts = {(c["task"], c["state"]): c["count"] for c in body["counts"]}
        assert counts[("outbox.send", "succeeded")] == done
        assert "outbox.send" in {j["task"] for j in body["recent"]}
        metrics = client.get("/metrics").text
        assert f'hindsight_jobs{{state="succeeded",task="outbox.send"}} {float(done)}' in metrics
        assert 'hindsight_jobs{state="failed",task="trackers.sync"} 0.0' in metrics
        # A publication defers the send job now, for a worker to take.
        admin = token(queue, "admin")
        assert client.post("/api/v1/jobs/outbox.send", headers=admin).status_code == 202
    assert [j["status"] for j in jobs(queue, "outbox.send")][-1] == "todo"
    assert json.dumps(body)  # plain JSON


def test_the_worker_prunes_finished_jobs_past_their_keep(queue: sa.Engine) -> None:
    with queue.begin() as connection:
        for age in ("30 days", "1 day"):
            made = connection.exec_driver_sql(
                "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status) "
                "VALUES ('default', 'outbox.send', '{}', 'succeeded') RETURNING id"
            ).scalar_one()
            connection.exec_driver_sql(
                "INSERT INTO procrastinate_events (job_id, type, at) "
                "VALUES (%(id)s, 'succeeded', now() - %(age)s::interval)",
                {"age": age, "id": made},
            )
    settings = Settings(database_url=_url(queue), jobs="worker", jobs_keep_days=7)
    app = build_app(settings, lambda: pytest.fail("no job of ours runs here"))

    async def prune() -> None:
        async with app.open_async():
            await app.tasks[PRUNE].func(timestamp=0)

    asyncio.run(prune())
    assert len(jobs(queue, "outbox.send")) == 1  # the day-old one is kept
