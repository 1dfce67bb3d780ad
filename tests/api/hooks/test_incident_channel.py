"""The incident channel through the running server, as Slack delivers: a message in a channel
no incident uses is acknowledged (Slack disables subscriptions that keep failing) and counted;
once the channel belongs to an incident — by the naming convention when Slack says the channel
was created, or by a person — its live messages join that incident with no ?incident=."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from hindsight.samples import sample_evidence
from hindsight.services import UnitOfWork
from hindsight.services.channels import bind_channel
from tests.api.hooks.signing import NOW, SECRETS, Signer
from tests.api.server import serve, token
from tests.dbfixtures import migrated_engine

EVIDENCE = {name: data for _, name, data in sample_evidence()}


def _slack(client: Any, event: dict[str, Any]) -> Any:
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0EXAMPLE",
            "event_id": f"Ev{uuid.uuid4().hex[:10]}",
            "event_time": int(NOW) - 60,
            "event": event,
        }
    ).encode()
    return client.post("/hooks/slack", content=body, headers=Signer("slack").headers(body))


def _message(channel: str, ts: str, text: str) -> dict[str, Any]:
    return {"type": "message", "channel": channel, "user": "U01PRIYA", "text": text, "ts": ts}


def _events(client: Any, headers: dict[str, str], slug: str) -> list[dict[str, Any]]:
    return client.get(f"/api/v1/incidents/{slug}/events", headers=headers).json()["items"]


def test_channel_messages_join_their_incident_and_others_are_acknowledged(
    backend: str, tmp_path: Path
) -> None:
    with (
        migrated_engine(backend, tmp_path) as engine,
        serve(engine, clock=lambda: NOW, **SECRETS) as client,
    ):
        alert = EVIDENCE["alertmanager/01-firing.json"]
        opened = client.post(
            "/hooks/alertmanager", content=alert, headers=Signer("alertmanager").headers(alert)
        )
        slug = opened.json()["incident"]
        headers = token(engine, "viewer")

        stray = _slack(client, _message("C0GENERAL1", "1773499900.000100", "lunch?"))
        assert stray.status_code == 200, stray.text
        assert stray.json()["status"] == "ignored"
        metrics = client.get("/metrics", headers=headers).text
        assert 'hindsight_webhook_deliveries_total{outcome="ignored",source="slack"}' in metrics

        # Slack says the incident channel was created: the convention binds it.
        created = {
            "type": "channel_created",
            "channel": {"id": "C07INC0314", "name": "inc-2026-03-14-checkout", "created": 1},
        }
        assert _slack(client, created).status_code == 200
        said = _slack(client, _message("C07INC0314", "1773499960.000200", "rolling back #482"))
        assert said.status_code == 200 and said.json()["incident"] == slug, said.text
        texts = [e["text"] for e in _events(client, headers, slug)]
        assert any("rolling back #482" in t for t in texts)

        # A person binds another channel; its messages follow.
        bind_channel(UnitOfWork(engine), slug, "C0WARROOM2", actor="priya")
        joined = _slack(client, _message("C0WARROOM2", "1773500000.000300", "status page up"))
        assert joined.json()["incident"] == slug
        # the same message again (a Slack retry) is stored once
        again = _slack(client, _message("C0WARROOM2", "1773500000.000300", "status page up"))
        assert again.json()["status"] == "duplicate"
        assert sum("status page up" in e["text"] for e in _events(client, headers, slug)) == 1


def test_the_channel_created_right_after_the_page_binds_by_the_evidence_day(
    backend: str, tmp_path: Path
) -> None:
    """Slack announces the channel seconds after the page, before the server's milestone
    refresh: the new incident is already dated by its evidence (2026-03-14), not by the
    wall clock, so `inc-2026-03-14-checkout` finds it and the channel's messages join."""
    with (
        migrated_engine(backend, tmp_path) as engine,
        serve(engine, clock=lambda: NOW, **SECRETS) as client,
    ):
        alert = EVIDENCE["alertmanager/01-firing.json"]
        opened = client.post(
            "/hooks/alertmanager", content=alert, headers=Signer("alertmanager").headers(alert)
        )
        slug = opened.json()["incident"]
        with UnitOfWork(engine) as uow:
            stored = uow.incidents.by_slug(slug)
        assert stored is not None and stored.opened_at.date().isoformat() == "2026-03-14"
        created = {
            "type": "channel_created",
            "channel": {"id": "C07INC0314", "name": "inc-2026-03-14-checkout", "created": 1},
        }
        assert _slack(client, created).status_code == 200
        said = _slack(client, _message("C07INC0314", "1773499960.000200", "rolling back #482"))
        assert said.json()["incident"] == slug, said.text
