"""Two real `hindsight serve` processes on one PostgreSQL database, an Alertmanager storm sent
to both: every delivery goes to both servers at once (its twin racing it), deliveries of one
alert group interleaved across them. Every alert must be stored once, no answer may be a 5xx,
each group must be one incident; and a server SIGKILLed mid-storm must lose nothing it
acknowledged (Alertmanager retries what got no answer: so does this test, on the other
server)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from hindsight.store.engine import open_store
from tests.dbfixtures import new_database
from tests.e2e.processes import free_port, wait_for

__all__ = ["new_database"]  # the fixture: an empty PostgreSQL schema, dropped afterwards

TOKEN = "two-servers-token"
GROUPS = 6
DELIVERIES = 60  # per storm, spread over the groups
ALERTS = 10  # per delivery


def _delivery(n: int) -> bytes:
    group = n % GROUPS
    service = f"svc-{group}"
    body = {
        "receiver": "hindsight",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "HighErrorRate", "service": service, "pod": f"p{a}"},
                "annotations": {"summary": f"{service} pod p{a} 5xx ratio is 12%"},
                "startsAt": f"2026-03-14T13:{n // 60:02d}:{n % 60:02d}.000Z",
                "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": f"{n:08x}{a:08x}",
            }
            for a in range(ALERTS)
        ],
        "groupLabels": {"alertname": "HighErrorRate", "service": service},
        "commonLabels": {"alertname": "HighErrorRate", "service": service},
        "externalURL": "http://127.0.0.1:9093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="HighErrorRate", service="{service}"}}',
    }
    return json.dumps(body).encode()


@contextmanager
def _server(url: str, log: Path, *options: str) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    port = free_port()
    env = {
        **os.environ,
        "HINDSIGHT_DATABASE_URL": url,
        "HINDSIGHT_AUTH": "none",
        "HINDSIGHT_ALERTMANAGER_TOKEN": TOKEN,
    }
    command = [sys.executable, "-m", "hindsight", "serve", "--port", str(port), *options]
    with log.open("wb") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        base = f"http://127.0.0.1:{port}"
        try:

            def up() -> bool:
                try:
                    return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for(f"server on {port} ({log})", up, 60)
            yield child, base
        finally:
            if child.poll() is None:
                child.terminate()
                try:
                    child.wait(15)
                except subprocess.TimeoutExpired:
                    child.kill()
                    child.wait(5)


class Sender:
    """Posts deliveries, recording each answer; a delivery that gets no answer (its server
    died) is sent to the other server, as Alertmanager retries."""

    def __init__(self, bases: list[str]) -> None:
        self.bases = bases
        self.statuses: list[int] = []
        self.acknowledged: set[int] = set()  # deliveries some server answered 2xx
        self.lock = threading.Lock()

    def send(self, n: int, first: int) -> None:
        body = _delivery(n)
        headers = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
        for attempt in range(len(self.bases) * 3):
            base = self.bases[(first + attempt) % len(self.bases)]
            try:
                response = httpx.post(
                    f"{base}/hooks/alertmanager", content=body, headers=headers, timeout=60
                )
            except httpx.TransportError:
                continue  # no answer: try the other server
            with self.lock:
                self.statuses.append(response.status_code)
                if response.is_success:
                    self.acknowledged.add(n)
            return
        raise AssertionError(f"delivery {n} reached no server")


def _stored(url: str) -> tuple[dict[str, int], list[tuple[int, int]]]:
    """Each stored alert's number of copies (by key), and each incident's event count."""
    engine = open_store(url, migrate=False)
    try:
        with engine.connect() as connection:
            keys = connection.execute(
                sa.text("SELECT key, count(*) FROM events GROUP BY key")
            ).all()
            incidents = connection.execute(
                sa.text("SELECT incident_id, count(*) FROM events GROUP BY incident_id")
            ).all()
    finally:
        engine.dispose()
    return {str(k): int(c) for k, c in keys}, [(int(i), int(c)) for i, c in incidents]


def _storm(sender: Sender, deliveries: range, *, kill: subprocess.Popen[bytes] | None) -> None:
    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = []
        for n in deliveries:
            # The delivery and its twin, at once, to both servers.
            futures.append(pool.submit(sender.send, n, 0))
            futures.append(pool.submit(sender.send, n, 1))
            if kill is not None and n == deliveries.start + len(deliveries) // 2:
                kill.send_signal(signal.SIGKILL)
        for future in futures:
            future.result()


@pytest.mark.slow
def test_two_servers_store_a_storm_once(new_database: object, tmp_path: Path) -> None:
    url = new_database("postgresql")  # type: ignore[operator]
    open_store(url).dispose()  # migrated once, before either server starts
    with ExitStack() as stack:
        _, a = stack.enter_context(_server(url, tmp_path / "a.log"))
        _, b = stack.enter_context(_server(url, tmp_path / "b.log"))
        sender = Sender([a, b])
        _storm(sender, range(DELIVERIES), kill=None)
    assert sender.statuses and all(s < 500 for s in sender.statuses), sorted(set(sender.statuses))
    assert all(200 <= s < 300 for s in sender.statuses), sorted(set(sender.statuses))
    copies, incidents = _stored(url)
    assert len(copies) == DELIVERIES * ALERTS
    assert set(copies.values()) == {1}, "an alert stored twice"
    assert len(incidents) == GROUPS, incidents  # one incident per alert group
    assert {count for _, count in incidents} == {DELIVERIES // GROUPS * ALERTS}


@pytest.mark.slow
def test_a_killed_server_loses_nothing_it_acknowledged(
    new_database: object, tmp_path: Path
) -> None:
    url = new_database("postgresql")  # type: ignore[operator]
    open_store(url).dispose()
    with ExitStack() as stack:
        victim, a = stack.enter_context(_server(url, tmp_path / "a.log"))
        _, b = stack.enter_context(_server(url, tmp_path / "b.log"))
        sender = Sender([a, b])
        _storm(sender, range(DELIVERIES), kill=victim)
        assert victim.wait(10) == -signal.SIGKILL
    assert all(200 <= s < 300 for s in sender.statuses), sorted(set(sender.statuses))
    assert sender.acknowledged == set(range(DELIVERIES))  # the survivor took the retries
    copies, incidents = _stored(url)
    acknowledged_keys = {f"{n:08x}{a:08x}" for n in sender.acknowledged for a in range(ALERTS)}
    missing = [k for k in acknowledged_keys if not any(k in key for key in copies)]
    assert not missing, missing[:5]
    assert set(copies.values()) == {1}
    assert len(incidents) == GROUPS, incidents


@pytest.mark.slow
def test_serve_workers_shares_one_port_between_processes(
    new_database: object, tmp_path: Path
) -> None:
    url = new_database("postgresql")  # type: ignore[operator]
    open_store(url).dispose()
    with _server(url, tmp_path / "workers.log", "--workers", "2") as (_, base):
        sender = Sender([base])
        _storm(sender, range(DELIVERIES), kill=None)
    log = (tmp_path / "workers.log").read_text()
    assert log.count("Started server process") == 2, log  # two workers answered on one port
    assert all(200 <= s < 300 for s in sender.statuses), sorted(set(sender.statuses))
    copies, incidents = _stored(url)
    assert len(copies) == DELIVERIES * ALERTS and set(copies.values()) == {1}
    assert len(incidents) == GROUPS, incidents
