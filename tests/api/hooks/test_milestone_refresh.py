"""Deliveries commit their events and leave the milestones to the app's coalescing refresher:
on SQLite and PostgreSQL the milestone columns still end up exactly what a synchronous
refresh computes, a read right after a delivery sees them (read-your-writes), and shutting
the app down refreshes whatever is still marked."""

from __future__ import annotations

import datetime as dt
import json
import threading
import uuid
from typing import Any

import sqlalchemy as sa

from hindsight.api.context import AppContext
from hindsight.app import create_app
from hindsight.core.timeline import build_timeline
from hindsight.services import UnitOfWork
from hindsight.services.timelines import to_records
from hindsight.settings import Settings
from tests.api.server import serve

HEADERS = {"content-type": "application/json"}
UNSIGNED = {"allow_unsigned_sources": "alertmanager", "auth_failure_limit": 1_000_000}
START = dt.datetime(2026, 3, 14, 13, 0, tzinfo=dt.UTC)


def _delivery(service: str, n: int, *, status: str = "firing", alerts: int = 3) -> bytes:
    """Alerts firing (or resolved) `n` minutes after START; a resolution comes in the group
    of the first delivery, as Alertmanager sends it."""
    group = 0 if status == "resolved" else n
    at = (START + dt.timedelta(minutes=n)).isoformat().replace("+00:00", "Z")
    ends = at if status == "resolved" else "0001-01-01T00:00:00Z"
    body = {
        "receiver": "hindsight",
        "status": status,
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "HighErrorRate", "service": service, "pod": f"p{a}"},
                "annotations": {"summary": f"{service} pod p{a} 5xx ratio is 12%"},
                "startsAt": (START + dt.timedelta(minutes=n)).isoformat().replace("+00:00", "Z"),
                "endsAt": ends,
                "fingerprint": f"{service}-{a}",
            }
            for a in range(alerts)
        ],
        "groupLabels": {"alertname": "HighErrorRate", "service": service},
        "commonLabels": {"alertname": "HighErrorRate", "service": service},
        "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="HighErrorRate", service="{service}", n="{group}"}}',
    }
    return json.dumps(body).encode()


def _context(client: Any) -> AppContext:
    context = client.app.state.hindsight
    assert isinstance(context, AppContext)
    return context


def _stored_columns(engine: sa.Engine, slug: str) -> tuple[Any, Any]:
    with UnitOfWork(engine) as uow:
        incident = uow.incidents.by_slug(slug)
        assert incident is not None
        return incident.milestones, incident.durations


def _computed(engine: sa.Engine, slug: str) -> tuple[Any, Any]:
    with UnitOfWork(engine) as uow:
        incident = uow.incidents.by_slug(slug)
        assert incident is not None
        found = list(uow.events.for_incident(incident.id))
    return to_records(build_timeline(found).milestones)


def test_a_burst_of_concurrent_deliveries_ends_with_exact_milestones(
    server_engine: sa.Engine,
) -> None:
    service = f"burst-{uuid.uuid4().hex[:6]}"
    with serve(server_engine, **UNSIGNED) as client:
        refresher = _context(client).milestones
        assert refresher.running
        refresher.delay = 0.05
        first = client.post("/hooks/alertmanager", content=_delivery(service, 0), headers=HEADERS)
        assert first.status_code == 200, first.text
        slug = first.json()["incident"]
        bodies = [_delivery(service, n) for n in range(1, 25)]
        bodies.append(_delivery(service, 30, status="resolved"))
        answers: list[Any] = []

        def send(body: bytes) -> None:
            answers.append(client.post("/hooks/alertmanager", content=body, headers=HEADERS))

        threads = [threading.Thread(target=send, args=(b,)) for b in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [a.status_code for a in answers] == [200] * len(bodies)
        assert {a.json()["incident"] for a in answers} == {slug}
        assert sum(a.json()["added"] for a in answers) == 3 * len(bodies)
        refresher.flush()  # whatever the worker has not reached yet
        milestones, durations = _stored_columns(server_engine, slug)
    assert (milestones, durations) == _computed(server_engine, slug)
    assert milestones.detected_at == START
    assert milestones.resolved_at == START + dt.timedelta(minutes=30)
    assert durations.time_to_resolve_s == 30 * 60


def test_a_read_right_after_a_delivery_sees_its_milestones(
    server_engine: sa.Engine, viewer: dict[str, str]
) -> None:
    service = f"ryw-{uuid.uuid4().hex[:6]}"
    with serve(server_engine, **UNSIGNED) as client:
        refresher = _context(client).milestones
        refresher.delay = 3600.0  # the worker would not get to it: the read must
        made = client.post("/hooks/alertmanager", content=_delivery(service, 0), headers=HEADERS)
        slug = made.json()["incident"]
        resolved = client.post(
            "/hooks/alertmanager",
            content=_delivery(service, 12, status="resolved"),
            headers=HEADERS,
        )
        assert resolved.json()["added"] == 3
        assert refresher.pending()  # marked, not yet refreshed
        incident = client.get(f"/api/v1/incidents/{slug}", headers=viewer).json()
        assert incident["milestones"]["detected_at"].startswith("2026-03-14T13:00:00")
        assert incident["milestones"]["resolved_at"].startswith("2026-03-14T13:12:00")
        assert incident["durations_seconds"]["time_to_resolve_s"] == 12 * 60
        assert not refresher.pending()
        listed = client.get("/api/v1/incidents", params={"limit": 500}, headers=viewer)
        listed = listed.json()["items"]
        mine = next(i for i in listed if i["slug"] == slug)
        assert mine["milestones"] == incident["milestones"]


def test_shutdown_refreshes_what_is_still_marked(server_engine: sa.Engine) -> None:
    service = f"stop-{uuid.uuid4().hex[:6]}"
    app = create_app(Settings(**UNSIGNED), engine=server_engine)
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        refresher = _context(client).milestones
        refresher.delay = 3600.0
        made = client.post("/hooks/alertmanager", content=_delivery(service, 0), headers=HEADERS)
        slug = made.json()["incident"]
        client.post(
            "/hooks/alertmanager",
            content=_delivery(service, 7, status="resolved"),
            headers=HEADERS,
        )
        assert refresher.pending()
        assert _stored_columns(server_engine, slug)[0].resolved_at is None  # not yet
    assert not refresher.running and not refresher.pending()
    milestones, durations = _stored_columns(server_engine, slug)
    assert milestones.resolved_at == START + dt.timedelta(minutes=7)
    assert (milestones, durations) == _computed(server_engine, slug)


def test_without_the_worker_a_delivery_refreshes_in_its_own_transaction(
    server_engine: sa.Engine,
) -> None:
    """An app used without its lifespan (no worker) keeps the old, synchronous behaviour."""
    service = f"sync-{uuid.uuid4().hex[:6]}"
    app = create_app(Settings(**UNSIGNED), engine=server_engine)
    from fastapi.testclient import TestClient

    client = TestClient(app)  # not entered: the lifespan does not run
    made = client.post("/hooks/alertmanager", content=_delivery(service, 0), headers=HEADERS)
    assert made.status_code == 200, made.text
    assert not _context(client).milestones.pending()
    assert _stored_columns(server_engine, made.json()["incident"])[0].detected_at == START
