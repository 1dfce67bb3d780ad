"""The publish announcement against Slack's documented chat.postMessage contract (recorded HTTP
with respx: bearer bot token, JSON body with channel and text; 200 with ok true, or ok false
with an error; 429 when rate limited), the delivery log, retries and idempotency; both
backends."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import httpx
import pytest
import respx

from hindsight.services.incidents import create_incident, update_incident
from hindsight.services.outbox import queue_event
from hindsight.services.publishing import due, run_once, signature
from hindsight.settings import Settings
from hindsight.store.outgoing import OutgoingDelivery
from hindsight.store.unit_of_work import UnitOfWork, utc_now

SLACK = "https://slack.com/api/chat.postMessage"


def _settings(**more: object) -> Settings:
    return Settings(
        slack_bot_token="xoxb-test-token",
        slack_announce_channel="#postmortems",
        public_url="https://hindsight.example.com",
        webhook_attempts=2,
        webhook_backoff_s=0,
        **more,  # type: ignore[arg-type]
    )


def _published(uow: UnitOfWork, channel: str | None = "#inc-checkout") -> str:
    incident = create_incident(uow, title="Checkout 500s")
    if channel:
        incident = update_incident(uow, incident.id, slack_channel=channel)
    with uow:
        queue_event(
            uow,
            "postmortem.published",
            incident,
            {"title": "Checkout 500s", "permalink": f"/incidents/{incident.slug}/postmortem"},
            now=utc_now(),
            once="4",
        )
        uow.commit()
    return incident.slug


@respx.mock(assert_all_called=True)
def test_the_announcement_goes_to_both_channels_by_the_documented_contract(
    respx_mock: respx.MockRouter, uow: UnitOfWork
) -> None:
    slug = _published(uow)
    route = respx_mock.post(SLACK).mock(
        return_value=httpx.Response(200, json={"ok": True, "channel": "C0INC", "ts": "1.2"})
    )
    with httpx.Client() as client:
        counts = run_once(lambda: UnitOfWork(uow.bind), _settings(), client)
    assert counts == {"delivered": 2}
    sent = [json.loads(call.request.content) for call in route.calls]
    assert sorted(m["channel"] for m in sent) == ["#inc-checkout", "#postmortems"]
    for call in route.calls:
        assert call.request.headers["Authorization"] == "Bearer xoxb-test-token"
        assert call.request.headers["Content-Type"].startswith("application/json")
    assert sent[0]["text"] == (
        f"Postmortem published: Checkout 500s — https://hindsight.example.com/incidents/{slug}"
        "/postmortem"
    )
    with httpx.Client() as client:  # idempotent: nothing is sent twice
        assert run_once(lambda: UnitOfWork(uow.bind), _settings(), client) == {}
    assert route.call_count == 2


@respx.mock
def test_slack_refusals_and_rate_limits_are_retried_then_failed(
    respx_mock: respx.MockRouter, uow: UnitOfWork
) -> None:
    _published(uow, channel=None)
    respx_mock.post(SLACK).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(200, json={"ok": False, "error": "channel_not_found"}),
        ]
    )
    settings = _settings()
    with httpx.Client() as client:
        assert run_once(lambda: UnitOfWork(uow.bind), settings, client) == {"pending": 1}
        assert run_once(lambda: UnitOfWork(uow.bind), settings, client) == {"failed": 1}
    with uow:
        log = [d for d in uow.outgoing.recent() if d.target.startswith("slack:")]
    assert [(d.state, d.attempts) for d in log] == [("failed", 2)]
    assert log[0].last_error == "Slack refused the message: channel_not_found"


def test_no_token_no_announcement_and_the_backoff_doubles(uow: UnitOfWork) -> None:
    _published(uow)
    settings = Settings(webhook_backoff_s=10)
    with httpx.Client() as client:
        assert run_once(lambda: UnitOfWork(uow.bind), settings, client) == {}
    with uow:
        assert [d.target for d in uow.outgoing.recent()] == ["lifecycle"]
    at = utc_now()
    tried = OutgoingDelivery(
        1, "k", "postmortem.published", "http://x", None, {}, attempts=2, updated_at=at
    )
    assert not due(tried, settings, at + dt.timedelta(seconds=19))  # 10 s, doubled once
    assert due(tried, settings, at + dt.timedelta(seconds=20))
    expected = hmac.new(b"k", b"1.{}", hashlib.sha256).hexdigest()
    assert signature("k", "1", b"{}") == "sha256=" + expected


@pytest.mark.parametrize("value", ["not a channel", "#Has Caps"])
def test_a_bad_slack_channel_is_refused(uow: UnitOfWork, value: str) -> None:
    from hindsight.core.errors import UserError

    incident = create_incident(uow, title="x")
    with pytest.raises(UserError, match="is not a Slack channel"):
        update_incident(uow, incident.id, slack_channel=value)
