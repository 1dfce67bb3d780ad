"""The change log and the catalog over the API: POST /api/v1/changes (201 new, 200 stored
already, editor role, bad input a problem), GET /api/v1/changes?service=&since= paged, and
GET /api/v1/services with the unmatched names; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.api.server import assert_problem


def _change(service: str, **extra: Any) -> dict[str, Any]:
    return {
        "summary": "Deploy v42 of the checkout API",
        "services": [service],
        "environment": "production",
        "time": "2026-03-14T14:12:03Z",
        "author": "dana",
        "link": "https://ci.example.com/run/42",
        "labels": {"version": "v42"},
        "external_id": f"ci-{uuid.uuid4().hex}",
        **extra,
    }


def test_a_change_is_stored_once(client: TestClient, editor: dict[str, str]) -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    body = _change(service)
    made = client.post("/api/v1/changes", json=body, headers=editor)
    assert made.status_code == 201, made.text
    out = made.json()
    assert out["services"] == [service] and out["production"] and out["kind"] == "deploy"
    assert out["time"] == "2026-03-14T14:12:03Z" and out["labels"] == {"version": "v42"}
    assert out["unmatched"] == [service]  # no catalog entry: stored, shown as unmatched
    again = client.post("/api/v1/changes", json=body, headers=editor)
    assert again.status_code == 200 and again.json()["id"] == out["id"]
    listed = client.get(f"/api/v1/changes?service={service}", headers=editor).json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == out["id"]
    services = client.get("/api/v1/services", headers=editor).json()
    assert service in services["unmatched"]


def test_listing_pages_and_filters_by_time(client: TestClient, editor: dict[str, str]) -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    for minute in range(3):
        body = _change(service, time=f"2026-03-14T15:0{minute}:00Z")
        assert client.post("/api/v1/changes", json=body, headers=editor).status_code == 201
    first = client.get(f"/api/v1/changes?service={service}&limit=2", headers=editor).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next_offset"] == 2
    assert first["items"][0]["time"] == "2026-03-14T15:02:00Z"  # newest first
    since = client.get(
        f"/api/v1/changes?service={service}&since=2026-03-14T15:01:00Z", headers=editor
    ).json()
    assert since["total"] == 2


def test_a_change_posted_while_an_incident_is_open_joins_it(
    client: TestClient, editor: dict[str, str]
) -> None:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    incident = client.post(
        "/api/v1/incidents", json={"title": "Errors", "services": [service]}, headers=editor
    ).json()
    now = dt.datetime.now(dt.UTC).isoformat()
    joined = client.post("/api/v1/changes", json=_change(service, time=now), headers=editor)
    assert joined.json()["incidents"] == [incident["slug"]]
    events = client.get(f"/api/v1/incidents/{incident['slug']}/events", headers=editor).json()
    assert [e["kind"] for e in events["items"]] == ["deploy"]
    other = client.post("/api/v1/changes", json=_change("elsewhere", time=now), headers=editor)
    assert other.json()["incidents"] == []


def test_roles_and_bad_input(
    client: TestClient, viewer: dict[str, str], editor: dict[str, str]
) -> None:
    body = _change("x")
    assert_problem(client.post("/api/v1/changes", json=body, headers=viewer), 403)
    assert_problem(client.post("/api/v1/changes", json=body), 401)
    naive = client.post(
        "/api/v1/changes", json=_change("x", time="2026-03-14T14:00:00"), headers=editor
    )
    assert naive.status_code in (400, 422) and naive.headers["content-type"].startswith(
        "application/problem+json"
    )
    kind = client.post("/api/v1/changes", json=_change("x", kind="wobble"), headers=editor)
    assert_problem(kind, kind.status_code, "kind")
    assert kind.status_code in (400, 422)
    extra = client.post("/api/v1/changes", json=_change("x", colour="red"), headers=editor)
    assert extra.status_code == 422
    none = client.post("/api/v1/changes", json=_change("x", services=[]), headers=editor)
    assert none.status_code == 422
    assert client.get("/api/v1/changes?limit=0", headers=viewer).status_code == 422
