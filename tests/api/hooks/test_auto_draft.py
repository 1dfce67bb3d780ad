"""A postmortem drafted by itself when a resolve arrives through the webhook path (signed
Alertmanager deliveries; the server's milestone refresher moves the status), on SQLite and
PostgreSQL; and the `incident.resolved` lifecycle event, signed, at a local receiver."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.api.hooks.signing import SECRETS, Signer
from tests.api.receiver import Receiver, receiving
from tests.api.server import serve, token
from tests.services.process_payloads import alertmanager

SECRET = "lifecycle-secret"
T0 = dt.datetime(2026, 3, 9, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def receiver(server_engine: sa.Engine) -> Iterator[Receiver]:
    with receiving(SECRET) as made:
        yield made


@pytest.fixture(scope="module")
def hooks(server_engine: sa.Engine, receiver: Receiver) -> Iterator[TestClient]:
    with serve(
        server_engine,
        auth_failure_limit=1_000_000,
        webhook_urls=receiver.url("/ok"),
        webhook_secret=SECRET,
        **SECRETS,
    ) as client:
        yield client


def _deliver(hooks: TestClient, body: bytes) -> dict[str, object]:
    response = hooks.post(
        "/hooks/alertmanager", content=body, headers=Signer("alertmanager").headers(body)
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def _wait_for_postmortem(hooks: TestClient, slug: str, who: dict[str, str]) -> dict[str, object]:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = hooks.get(f"/api/v1/incidents/{slug}/postmortem", headers=who)
        if found.status_code == 200:
            return dict(found.json())
        time.sleep(0.1)
    raise AssertionError("no postmortem was drafted")


def test_a_resolve_through_the_webhook_drafts_the_postmortem(
    hooks: TestClient, server_engine: sa.Engine, receiver: Receiver
) -> None:
    who = token(server_engine, "editor", "ops")
    _deliver(hooks, alertmanager("CheckoutDown", "checkout", T0))
    listed = hooks.get("/api/v1/incidents", params={"q": "CheckoutDown"}, headers=who).json()
    slug = listed["items"][0]["slug"]
    # Customers saw it: the trigger table owes a postmortem once it is over.
    patched = hooks.patch(f"/api/v1/incidents/{slug}", json={"customer_visible": True}, headers=who)
    assert patched.status_code == 200, patched.text
    assert hooks.get(f"/api/v1/incidents/{slug}/postmortem", headers=who).status_code == 404
    _deliver(
        hooks, alertmanager("CheckoutDown", "checkout", T0, ends=T0 + dt.timedelta(minutes=31))
    )
    drafted = _wait_for_postmortem(hooks, slug, who)
    assert drafted["version"] == 1 and drafted["updated_by"] == "hindsight (auto-draft)"
    assert str(drafted["markdown"]).startswith("# Postmortem: CheckoutDown")
    incident = hooks.get(f"/api/v1/incidents/{slug}", headers=who).json()
    assert incident["status"] == "resolved"
    assert incident["policy"]["decision"] == "required"
    assert incident["policy"]["trigger"] == "customer-visible-outage"
    resolved = receiver.wait_for(slug, 1)
    assert resolved[0].event == "incident.resolved" and resolved[0].verified


def test_a_blip_through_the_webhook_drafts_nothing(
    hooks: TestClient, server_engine: sa.Engine
) -> None:
    who = token(server_engine, "viewer", "watcher")
    first = T0 + dt.timedelta(days=1)
    _deliver(hooks, alertmanager("CacheMiss", "cache", first))
    _deliver(hooks, alertmanager("CacheMiss", "cache", first, ends=first + dt.timedelta(minutes=2)))
    listed = hooks.get("/api/v1/incidents", params={"q": "CacheMiss"}, headers=who).json()
    slug = listed["items"][0]["slug"]
    incident = hooks.get(f"/api/v1/incidents/{slug}", headers=who).json()  # a read flushes
    assert incident["status"] == "resolved" and incident["policy"]["decision"] == "not_required"
    assert hooks.get(f"/api/v1/incidents/{slug}/postmortem", headers=who).status_code == 404
