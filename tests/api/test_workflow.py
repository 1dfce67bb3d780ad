"""The workflow over the API, on SQLite and PostgreSQL: transitions and their refusals with
every reason, approvals, the "review changed nothing" warning, the agenda, meeting notes; and
on publish the signed lifecycle webhooks, verified by a local receiver, a failing receiver
retried and then shown as failed while the others are delivered."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import icalendar
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from hindsight.samples import sample_postmortem
from tests.api.receiver import Receiver, receiving
from tests.api.server import assert_problem, serve, token

SECRET = "outgoing-secret"
DRAFT = sample_postmortem().replace("**Status:** Published", "**Status:** Draft")


@pytest.fixture(scope="module")
def receiver(server_engine: sa.Engine) -> Iterator[Receiver]:
    with receiving(SECRET) as made:  # one per backend: their slugs are the same
        yield made


@pytest.fixture(scope="module")
def app(server_engine: sa.Engine, receiver: Receiver) -> Iterator[TestClient]:
    with serve(
        server_engine,
        auth_failure_limit=1_000_000,
        webhook_urls=f"{receiver.url('/ok')},{receiver.url('/fail')}",
        webhook_secret=SECRET,
        webhook_attempts=3,
        webhook_backoff_s=0.05,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def who(server_engine: sa.Engine) -> dict[str, str]:
    return token(server_engine, "editor", "amara")


def _started(app: TestClient, who: dict[str, str]) -> str:
    made = app.post("/api/v1/incidents", json={"title": "Checkout 500s"}, headers=who)
    assert made.status_code == 201, made.text
    slug = str(made.json()["slug"])
    url = f"/api/v1/incidents/{slug}/postmortem"
    started = app.post(url, content=DRAFT, headers={**who, "Content-Type": "text/markdown"})
    assert started.status_code == 201, started.text
    return slug


def test_transitions_approvals_and_publishing(
    app: TestClient, who: dict[str, str], receiver: Receiver
) -> None:
    slug = _started(app, who)
    url = f"/api/v1/incidents/{slug}/postmortem"
    refused = assert_problem(
        app.post(f"{url}/status", json={"state": "published"}, headers=who), 409, "Draft"
    )
    assert refused["reasons"] == [
        "a postmortem cannot go from Draft to Published (only to In review)"
    ]
    assert_problem(app.post(f"{url}/status", json={"state": "banana"}, headers=who), 422, "draft")
    moved = app.post(f"{url}/status", json={"state": "in-review"}, headers=who)
    assert moved.status_code == 200 and moved.json()["status"] == "In review"
    gate = app.get(f"{url}/workflow", headers=who).json()
    assert gate["state"] == "in-review" and gate["can_publish"] is False
    assert gate["reviewers"] == ["Jonas Weber", "Amara Okafor"]
    assert gate["blocking"] == ["no approval yet by a listed reviewer who is not the author"]
    refused = assert_problem(
        app.post(f"{url}/approvals", json={"as": "Priya Raman"}, headers=who), 409, "approve"
    )
    assert (
        "Priya Raman is the author; an approval must come from someone else" in refused["reasons"]
    )
    approved = app.post(f"{url}/approvals", json={}, headers=who)  # as the caller: amara
    assert approved.status_code == 409  # "amara" is not how the Reviewers field names her
    approved = app.post(f"{url}/approvals", json={"as": "Amara Okafor"}, headers=who)
    assert approved.status_code == 200, approved.text
    published = app.post(f"{url}/status", json={"state": "published"}, headers=who)
    assert published.status_code == 200, published.text
    assert published.json()["warnings"][0].startswith("the review changed nothing")
    put = app.put(
        url, content=DRAFT, headers={**who, "Content-Type": "text/markdown", "If-Match": '"3"'}
    )
    assert_problem(put, 422, "published and read-only", "draft --reason")
    refused = assert_problem(
        app.post(f"{url}/status", json={"state": "draft"}, headers=who), 409, "reopen"
    )
    assert refused["reasons"] == ["reopening a published postmortem needs a reason"]
    # The lifecycle events reached the receiver, signed.
    mine = receiver.wait_for(slug, 3)
    assert [r.event for r in mine] == [
        "postmortem.status_changed",
        "postmortem.status_changed",
        "postmortem.published",
    ]
    assert all(r.verified for r in mine)
    assert mine[-1].body["data"]["permalink"] == f"/incidents/{slug}/postmortem"


def test_a_failing_receiver_is_retried_then_failed_and_holds_up_nothing(
    app: TestClient, who: dict[str, str], receiver: Receiver, server_engine: sa.Engine
) -> None:
    admin = token(server_engine, "admin", "ops-admin")
    assert app.get("/api/v1/deliveries", headers=who).status_code == 403
    slug = _started(app, who)
    url = f"/api/v1/incidents/{slug}/postmortem"
    app.post(f"{url}/status", json={"state": "in-review"}, headers=who)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        log = app.get("/api/v1/deliveries", params={"incident": slug}, headers=admin).json()
        states = {(d["target"].rsplit("/", 1)[1], d["state"]) for d in log}
        if ("fail", "failed") in states:
            break
        time.sleep(0.1)
    assert states == {("ok", "delivered"), ("fail", "failed")}, log
    failed = next(d for d in log if d["target"].endswith("/fail"))
    assert failed["attempts"] == 3 and "HTTP 500" in failed["last_error"]


def test_agenda_and_meeting_notes(app: TestClient, who: dict[str, str]) -> None:
    slug = _started(app, who)
    url = f"/api/v1/incidents/{slug}/postmortem"
    ics = app.get(
        f"{url}/agenda", params={"format": "ics", "start": "2026-03-20T15:00Z"}, headers=who
    )
    assert ics.headers["content-type"].startswith("text/calendar")
    event = next(c for c in icalendar.Calendar.from_ical(ics.content).walk() if c.name == "VEVENT")
    assert event.decoded("dtend") - event.decoded("dtstart") == dt.timedelta(minutes=45)
    assert_problem(app.get(f"{url}/agenda", params={"start": "soon"}, headers=who), 422, "ISO")
    notes = app.post(
        f"{url}/meeting-notes",
        json={"notes": {"timeline": "14:20 needs the exact minute"}},
        headers={**who, "If-Match": '"1"'},
    )
    assert notes.status_code == 200, notes.text
    assert "**Timeline:** 14:20 needs the exact minute" in notes.json()["markdown"]
    assert_problem(
        app.post(
            f"{url}/meeting-notes", json={"notes": {"x": "y"}}, headers={**who, "If-Match": '"2"'}
        ),
        422,
        "agenda block",
    )
