"""The webhook parts of the sources, as the pure functions they are: bytes, headers and
secrets in, a verdict out (the route's tests in tests/api/hooks run them through HTTP)."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from hindsight.sources import SOURCES, webhooks
from hindsight.sources.webhook import Delivery, Payload, Refusal, Reply, Secrets

NOW = 1_773_500_000.0


def _delivery(source: str, body: bytes, **headers: str) -> Delivery:
    named = {k.replace("_", "-").lower(): v for k, v in headers.items()}
    return Delivery(source, body, {"content-type": "application/json", **named}, NOW)


def _refused(source: str, delivery: Delivery, *secrets: str) -> int:
    with pytest.raises(Refusal) as caught:
        webhooks()[source].verify(delivery, Secrets(secrets))
    assert caught.value.detail and caught.value.fix
    return caught.value.status


def test_every_registered_source_has_a_webhook_part() -> None:
    assert set(webhooks()) == set(SOURCES)
    for webhook in webhooks().values():
        assert webhook.summary and webhook.content_types and webhook.content_types[0]


def test_github_signs_with_its_published_test_vector() -> None:
    vector = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    good = _delivery("github", b"Hello, World!", x_hub_signature_256=vector)
    webhooks()["github"].verify(good, Secrets(("It's a Secret to Everybody",)))
    assert _refused("github", good, "another secret") == 403
    assert _refused("github", _delivery("github", b"Hello, World!"), "x") == 401


def test_pagerduty_accepts_any_entry_against_any_secret() -> None:
    body = b'{"event": {}}'
    mac = hmac.new(b"new", body, hashlib.sha256).hexdigest()
    header = f"v1={'0' * 64},v1={mac}"
    delivery = _delivery("pagerduty", body, x_pagerduty_signature=header)
    webhooks()["pagerduty"].verify(delivery, Secrets(("old", "new")))
    assert _refused("pagerduty", delivery, "old") == 403
    malformed = _delivery("pagerduty", body, x_pagerduty_signature="sha1=abc")
    assert _refused("pagerduty", malformed, "new") == 401


@pytest.mark.parametrize(
    ("stamp", "status"), [("1773499600", 403), ("-5", 401), ("9" * 400, 401), ("12ab", 401)]
)
def test_slack_refuses_stale_and_malformed_timestamps(stamp: str, status: int) -> None:
    body = b"{}"
    mac = hmac.new(b"s", b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    delivery = _delivery(
        "slack", body, x_slack_request_timestamp=stamp, x_slack_signature=f"v0={mac}"
    )
    assert _refused("slack", delivery, "s") == status


def test_tokens_are_compared_against_every_configured_one() -> None:
    bearer = _delivery("alertmanager", b"{}", authorization="Bearer two")
    webhooks()["alertmanager"].verify(bearer, Secrets(("one", "two")))
    assert _refused("alertmanager", bearer, "one") == 403
    basic = _delivery("alertmanager", b"{}", authorization="Basic dHdv")
    assert _refused("alertmanager", basic, "two") == 401
    opsgenie = _delivery("opsgenie", b"{}", x_incident_token="og")
    webhooks()["opsgenie"].verify(opsgenie, Secrets(("og",)))


def test_pre_steps_answer_or_hand_over_the_payload() -> None:
    challenge = json.dumps({"type": "url_verification", "challenge": "abc"}).encode()
    assert webhooks()["slack"].prepare(_delivery("slack", challenge)) == Reply({"challenge": "abc"})
    message = b'{"type": "event_callback"}'
    assert webhooks()["slack"].prepare(_delivery("slack", message)) == Payload(message)
    ping = _delivery("github", b"{}", x_github_event="ping")
    assert webhooks()["github"].prepare(ping) == Reply({"status": "pong"})
    issues = _delivery("github", b"{}", x_github_event="issues")
    assert webhooks()["github"].prepare(issues) == Reply({"status": "ignored", "event": "issues"})
    form = Delivery(
        "github",
        b"payload=%7B%22a%22%3A1%7D",
        {"content-type": "application/x-www-form-urlencoded", "x-github-event": "push"},
        NOW,
    )
    assert webhooks()["github"].prepare(form) == Payload(b'{"a":1}')
    csv = Delivery("generic", b"time,text\n", {"content-type": "text/csv"}, NOW)
    assert webhooks()["generic"].prepare(csv) == Payload(b"time,text\n", ".csv")


def test_correlation_keys_belong_to_their_source() -> None:
    body = json.dumps({"groupKey": '{}:{alertname="X"}', "alerts": []}).encode()
    assert SOURCES["alertmanager"].correlation_keys(body, ()) == {
        'alertmanager:group:{}:{alertname="X"}'
    }
    assert SOURCES["grafana"].correlation_keys(b"[not json", ()) == frozenset()
    assert SOURCES["slack"].correlation_keys(body, ()) == frozenset()
