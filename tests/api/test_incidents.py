"""Incidents over the API: create, read, update, list with filters and paging; events,
timeline and the draft; every error as a problem."""

from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from hindsight.services import UnitOfWork
from hindsight.services.sample import load_sample
from tests.api.server import assert_problem


def _title() -> str:
    return f"Checkout errors {uuid.uuid4().hex[:8]}"


def test_create_read_update_an_incident(client: TestClient, editor: dict[str, str]) -> None:
    title = _title()
    made = client.post(
        "/api/v1/incidents",
        json={"title": title, "severity": "SEV-2", "services": ["checkout-api"]},
        headers=editor,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["title"] == title and body["severity"] == "SEV-2" and body["status"] == "open"
    assert body["url"] == f"/incidents/{body['slug']}"
    by_slug = client.get(f"/api/v1/incidents/{body['slug']}", headers=editor).json()
    by_id = client.get(f"/api/v1/incidents/{body['id']}", headers=editor).json()
    assert by_slug == by_id == body
    changed = client.patch(
        f"/api/v1/incidents/{body['slug']}",
        json={"status": "mitigated", "customer_visible": True},
        headers=editor,
    )
    assert changed.status_code == 200
    assert changed.json()["status"] == "mitigated" and changed.json()["customer_visible"]
    assert changed.json()["title"] == title  # untouched fields stay


def test_list_filters_and_pages(client: TestClient, editor: dict[str, str]) -> None:
    service = f"svc-{uuid.uuid4().hex[:6]}"
    slugs = []
    for n in range(5):
        made = client.post(
            "/api/v1/incidents",
            json={"title": _title(), "services": [service], "severity": "SEV-3"},
            headers=editor,
        )
        slugs.append(made.json()["slug"])
        if n == 0:
            client.patch(f"/api/v1/incidents/{slugs[0]}", json={"status": "closed"}, headers=editor)
    first = client.get(
        "/api/v1/incidents", params={"service": service, "limit": 2}, headers=editor
    ).json()
    assert [i["slug"] for i in first["items"]] == slugs[::-1][:2]
    assert first["next_offset"] == 2
    rest = client.get(
        "/api/v1/incidents", params={"service": service, "limit": 10, "offset": 2}, headers=editor
    ).json()
    assert [i["slug"] for i in rest["items"]] == slugs[::-1][2:]
    assert rest["next_offset"] is None
    closed = client.get(
        "/api/v1/incidents", params={"service": service, "status": "closed"}, headers=editor
    ).json()
    assert [i["slug"] for i in closed["items"]] == [slugs[0]]
    sev = client.get(
        "/api/v1/incidents", params={"service": service, "severity": "SEV-1"}, headers=editor
    ).json()
    assert sev["items"] == []
    plain = client.get("/api/v1/incidents", params={"limit": 1}, headers=editor).json()
    assert len(plain["items"]) == 1 and plain["next_offset"] == 1


def test_list_searches_and_filters_on_the_postmortem_and_counts(
    client: TestClient, editor: dict[str, str]
) -> None:
    word = f"zq{uuid.uuid4().hex[:6]}"
    owed = client.post(
        "/api/v1/incidents", json={"title": f"{word} outage", "severity": "SEV-1"}, headers=editor
    ).json()
    client.post("/api/v1/incidents", json={"title": f"{word} blip"}, headers=editor)
    found = client.get("/api/v1/incidents", params={"q": word}, headers=editor).json()
    assert found["total"] == 2 and len(found["items"]) == 2
    assert (
        client.get("/api/v1/incidents", params={"q": f"{word} outage"}, headers=editor).json()[
            "total"
        ]
        == 1
    )
    listed = client.get(
        "/api/v1/incidents", params={"q": word, "postmortem": "owed"}, headers=editor
    ).json()
    assert [i["slug"] for i in listed["items"]] == [owed["slug"]]
    item = listed["items"][0]
    assert item["postmortem"] == "missing" and item["postmortem_owed"] is True
    assert item["policy"] == {
        "decision": "required",
        "trigger": "high-severity",
        "why": "it is a SEV-1 incident",
    }
    ordered = client.get(
        "/api/v1/incidents", params={"q": word, "sort": "title", "order": "asc"}, headers=editor
    ).json()
    assert [i["title"] for i in ordered["items"]] == [f"{word} blip", f"{word} outage"]
    assert_problem(client.get("/api/v1/incidents?postmortem=someday", headers=editor), 422)
    assert_problem(client.get("/api/v1/incidents?sort=colour", headers=editor), 422, "sort")


def test_bad_incident_requests_are_problems(client: TestClient, editor: dict[str, str]) -> None:
    assert_problem(client.get("/api/v1/incidents/no-such-thing", headers=editor), 404, "no-such")
    # Ids no database can hold, and digits that are not ASCII: misses, not driver errors.
    for ref in ("9" * 30, str(2**63), "0", "\u00b2", "\u0663"):
        assert_problem(client.get(f"/api/v1/incidents/{ref}", headers=editor), 404)
    assert_problem(
        client.post("/api/v1/incidents", json={"title": ""}, headers=editor), 422, "title"
    )
    body = assert_problem(
        client.post("/api/v1/incidents", json={"title": "x", "severity": "SEV-9"}, headers=editor),
        422,
        "severity",
    )
    assert body["errors"][0]["location"] == "body.severity"
    assert_problem(
        client.post("/api/v1/incidents", json={"title": "x", "colour": 1}, headers=editor),
        422,
        "colour",
    )
    assert_problem(
        client.post(
            "/api/v1/incidents",
            content=b"{not json",
            headers={**editor, "content-type": "application/json"},
        ),
        422,
    )
    assert_problem(client.get("/api/v1/incidents?limit=0", headers=editor), 422, "limit")
    assert_problem(client.get("/api/v1/incidents?status=gone", headers=editor), 422, "status")
    assert_problem(client.delete("/api/v1/incidents", headers=editor), 405, "GET", "POST")
    assert_problem(client.get("/api/v2/anything", headers=editor), 404, "/api/v1")
    assert_problem(
        client.patch("/api/v1/incidents/nope", json={"status": "closed"}, headers=editor), 404
    )


def test_events_timeline_and_draft_of_the_sample(
    client: TestClient, server_engine: sa.Engine, editor: dict[str, str]
) -> None:
    slug = load_sample(UnitOfWork(server_engine))
    events = client.get(f"/api/v1/incidents/{slug}/events", headers=editor).json()
    assert events["total"] > 30 and len(events["items"]) == events["total"]
    times = [e["at"] for e in events["items"]]
    assert times == sorted(times)
    page = client.get(
        f"/api/v1/incidents/{slug}/events", params={"limit": 5, "offset": 5}, headers=editor
    ).json()
    assert page["items"] == events["items"][5:10]
    timeline = client.get(f"/api/v1/incidents/{slug}/timeline", headers=editor).json()
    assert timeline["milestones"]["first_detection"] is not None
    assert timeline["durations_seconds"]["detection_to_ack"] > 0
    incident = client.get(f"/api/v1/incidents/{slug}", headers=editor).json()
    assert incident["milestones"]["detected_at"] is not None
    assert incident["durations_seconds"]["time_to_acknowledge_s"] > 0
    # The sample has its postmortem: drafting refreshes it as the next version.
    before = client.get(f"/api/v1/incidents/{slug}/postmortem", headers=editor).json()["version"]
    drafted = client.post(f"/api/v1/incidents/{slug}/draft", headers=editor)
    assert drafted.status_code == 200, drafted.text
    assert drafted.json()["created"] is False and drafted.json()["version"] >= before
    assert_problem(client.post("/api/v1/incidents/none-here/draft", headers=editor), 404)


def test_draft_creates_a_postmortem_from_evidence(
    client: TestClient, editor: dict[str, str]
) -> None:
    made = client.post("/api/v1/incidents", json={"title": _title()}, headers=editor).json()
    drafted = client.post(f"/api/v1/incidents/{made['slug']}/draft", headers=editor)
    assert drafted.status_code == 200, drafted.text
    assert drafted.json()["created"] is True and drafted.json()["version"] == 1
    stored = client.get(f"/api/v1/incidents/{made['slug']}/postmortem", headers=editor)
    assert stored.json()["markdown"] == drafted.json()["markdown"]


def test_permalink_reaches_the_incident_and_its_postmortem(
    client: TestClient, server_engine: sa.Engine, viewer: dict[str, str]
) -> None:
    slug = load_sample(UnitOfWork(server_engine))
    page = client.get(f"/incidents/{slug}", headers=viewer)
    assert page.status_code == 200
    assert slug in page.text or page.json()["slug"] == slug
    postmortem = client.get(f"/incidents/{slug}/postmortem", headers=viewer)
    assert postmortem.status_code == 200


def test_the_server_draft_takes_the_incident_s_own_fields(
    client: TestClient, server_engine: sa.Engine, editor: dict[str, str]
) -> None:
    """The UI's and the API's draft say what the incident says: its severity (a person's
    word), its services, its Slack channel — not placeholders."""
    made = client.post(
        "/api/v1/incidents",
        json={"title": _title(), "severity": "SEV-1", "services": ["payments-api"]},
        headers=editor,
    ).json()
    client.patch(
        f"/api/v1/incidents/{made['slug']}", json={"slack_channel": "C0PAYMENT9"}, headers=editor
    )
    drafted = client.post(f"/api/v1/incidents/{made['slug']}/draft", headers=editor)
    assert drafted.status_code == 200, drafted.text
    markdown = drafted.json()["markdown"]
    assert "**Severity:** SEV-1" in markdown
    assert "**Services affected:** payments-api" in markdown
    assert "**Slack link:** https://slack.com/app_redirect?channel=C0PAYMENT9" in markdown


def test_the_server_reads_impact_from_its_prometheus_setting(tmp_path: Path) -> None:
    from hindsight.services.drafting import server_draft_config

    config = tmp_path / "hindsight.toml"
    config.write_text('[impact.prometheus]\nurl = "http://old:9090"\n', encoding="utf-8")
    assert server_draft_config(str(config), None).prometheus_url == "http://old:9090"
    assert server_draft_config(str(config), "http://prom:9090").prometheus_url == (
        "http://prom:9090"
    )


def test_a_nul_in_the_query_or_path_is_a_422_not_a_database_error(
    client: TestClient, editor: dict[str, str]
) -> None:
    for url in (
        "/api/v1/incidents?q=a%00b",
        "/api/v1/incidents/x%00y",
        "/api/v1/deliveries?state=%00",
        "/api/v1/incidents?q=%ff%fe",
    ):
        assert_problem(client.get(url, headers=editor), 422)
