"""Every webhook source, on SQLite and PostgreSQL: correctly signed, wrongly signed, unsigned,
stale (replayed), re-delivered and malformed deliveries. Never a 500, never a partial write."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.api.hooks.signing import NOW, SECRETS, SOURCES, Signer, sample
from tests.api.server import assert_problem, count_rows, serve


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def hooks(server_engine: sa.Engine, clock: Clock) -> Iterator[TestClient]:
    with serve(server_engine, clock, auth_failure_limit=1_000_000, **SECRETS) as client:
        yield client


def _pin(hooks: TestClient, server_engine: sa.Engine, source: str) -> str:
    """A fresh incident to attach the delivery to (sources that raise no alarm need one)."""
    from hindsight.services import UnitOfWork
    from hindsight.services.incidents import create_incident

    made = create_incident(UnitOfWork(server_engine), title=f"{source} {uuid.uuid4().hex[:6]}")
    return f"/hooks/{source}?incident={made.slug}"


@pytest.mark.parametrize("source", SOURCES)
def test_signed_delivery_is_stored_once_and_redelivery_changes_nothing(
    hooks: TestClient, server_engine: sa.Engine, source: str
) -> None:
    url = _pin(hooks, server_engine, source)
    body = sample(source)
    signer = Signer(source)
    first = hooks.post(url, content=body, headers=signer.headers(body))
    assert first.status_code == 200, first.text
    stored = first.json()
    assert stored["status"] == "stored" and stored["added"] == stored["received"] > 0
    after = count_rows(server_engine)
    again = hooks.post(url, content=body, headers=signer.headers(body))
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["added"] == 0 and again.json()["incident"] == stored["incident"]
    assert count_rows(server_engine) == after
    events = hooks.app.state.hindsight.metrics.exposition().decode()  # type: ignore[attr-defined]
    assert f'hindsight_webhook_deliveries_total{{outcome="duplicate",source="{source}"}}' in events


@pytest.mark.parametrize("source", SOURCES)
def test_wrong_missing_and_stale_credentials_are_refused_without_writes(
    hooks: TestClient, server_engine: sa.Engine, clock: Clock, source: str
) -> None:
    url = _pin(hooks, server_engine, source)
    body = sample(source)
    signer = Signer(source)
    before = count_rows(server_engine)
    assert_problem(hooks.post(url, content=body, headers=signer.headers(body, secret="wrong")), 403)
    assert_problem(hooks.post(url, content=body, headers=signer.unsigned()), 401, source)
    if source in ("github", "pagerduty", "slack", "grafana"):  # the signature covers the body
        tampered = body.replace(b"checkout", b"Checkout", 1).replace(b"C07", b"C08", 1)
        assert tampered != body
        assert_problem(hooks.post(url, content=tampered, headers=signer.headers(body)), 403)
    if signer.stale_applies:
        replay = signer.headers(body, at=NOW - 301)
        assert_problem(hooks.post(url, content=body, headers=replay), 403, "replayed", "300 s")
        clock.now = NOW + 400  # the same, correctly signed request, delivered late
        try:
            late = hooks.post(url, content=body, headers=signer.headers(body))
            assert_problem(late, 403, "clock")
        finally:
            clock.now = NOW
    assert count_rows(server_engine) == before
    if signer.stale_applies:
        within = signer.headers(body, at=NOW - 299)
        assert hooks.post(url, content=body, headers=within).status_code == 200


@pytest.mark.parametrize("source", SOURCES)
def test_malformed_deliveries_are_4xx_with_a_message(
    hooks: TestClient, server_engine: sa.Engine, source: str
) -> None:
    url = _pin(hooks, server_engine, source)
    signer = Signer(source)
    before = count_rows(server_engine)
    for body in (b"{not json", b'{"version": "99", "alerts": "no"}', b"[1, 2, 3]", b"\xff\xfe"):
        if source == "generic":
            body = b"time,text\nnot-a-time,hello\n"
        response = hooks.post(url, content=body, headers=signer.headers(body))
        assert_problem(response, 422, source)
    empty = hooks.post(url, content=b" ", headers=signer.headers(b" "))
    assert_problem(empty, 400, "empty")
    wrong_type = {**signer.headers(b"{}"), "content-type": "application/xml"}
    assert_problem(hooks.post(url, content=b"{}", headers=wrong_type), 415, "Content-Type")
    assert count_rows(server_engine) == before


def test_oversized_deliveries_are_413(server_engine: sa.Engine) -> None:
    with serve(server_engine, hook_max_body_bytes=4096, **SECRETS) as client:
        body = b'{"x": "' + b"a" * 10_000 + b'"}'
        response = client.post(
            "/hooks/alertmanager", content=body, headers=Signer("alertmanager").headers(body)
        )
        assert_problem(response, 413, "4,096 bytes")


def test_unconfigured_sources_refuse_unless_explicitly_allowed(server_engine: sa.Engine) -> None:
    body = sample("alertmanager")
    with serve(server_engine) as client:
        refused = client.post(
            "/hooks/alertmanager", content=body, headers={"content-type": "application/json"}
        )
        assert_problem(refused, 503, "HINDSIGHT_ALERTMANAGER_TOKEN")
    with serve(server_engine, allow_unsigned_sources="alertmanager,generic") as client:
        allowed = client.post(
            "/hooks/alertmanager", content=body, headers={"content-type": "application/json"}
        )
        assert allowed.status_code == 200
        assert_problem(
            client.post(
                "/hooks/github", content=body, headers={"content-type": "application/json"}
            ),
            503,
            "HINDSIGHT_GITHUB_SECRET",
        )
    with serve(server_engine, allow_unsigned=True, alertmanager_token="t") as client:
        # A configured secret is always checked, even where unsigned deliveries are allowed.
        assert_problem(
            client.post(
                "/hooks/alertmanager", content=body, headers={"content-type": "application/json"}
            ),
            401,
        )


def test_pagerduty_accepts_any_rotated_secret(hooks: TestClient, server_engine: sa.Engine) -> None:
    url = _pin(hooks, server_engine, "pagerduty")
    body = sample("pagerduty").replace(b"01-", b"01-")
    for secret in ("old-secret", "new-secret"):
        headers = Signer("pagerduty").headers(body, secret=secret)
        assert hooks.post(url, content=body, headers=headers).status_code == 200
    assert_problem(
        hooks.post(
            url,
            content=body,
            headers={**Signer("pagerduty").unsigned(), "X-PagerDuty-Signature": "sha1=abc"},
        ),
        401,
        "v1=",
    )


def test_github_vector_ping_and_form_deliveries(
    hooks: TestClient, server_engine: sa.Engine
) -> None:
    # GitHub's published test vector, checked through the whole route.
    mac = hmac.new(b"It's a Secret to Everybody", b"Hello, World!", hashlib.sha256).hexdigest()
    assert mac == "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    ping = b'{"zen": "Keep it logically awesome."}'
    headers = {**Signer("github").headers(ping), "X-GitHub-Event": "ping"}
    assert hooks.post("/hooks/github", content=ping, headers=headers).json() == {"status": "pong"}
    url = _pin(hooks, server_engine, "github")
    from urllib.parse import urlencode

    form = urlencode({"payload": sample("github").decode()}).encode()
    headers = {
        **Signer("github").headers(form),
        "content-type": "application/x-www-form-urlencoded",
    }
    stored = hooks.post(url, content=form, headers=headers)
    assert stored.status_code == 200 and stored.json()["added"] == 1


def test_slack_url_verification_answers_the_challenge_only_when_signed(hooks: TestClient) -> None:
    body = json.dumps(
        {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}
    ).encode()
    signed = hooks.post("/hooks/slack", content=body, headers=Signer("slack").headers(body))
    assert signed.status_code == 200 and signed.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}
    forged = Signer("slack").headers(body, secret="guess")
    assert_problem(hooks.post("/hooks/slack", content=body, headers=forged), 403)


def test_unplaceable_delivery_says_how_to_pin_it(hooks: TestClient) -> None:
    from hindsight.samples import sample_evidence

    note_event = json.loads(
        next(d for _, n, d in sample_evidence() if n == "opsgenie/03-add-note.json")
    )
    note_event["alert"]["alertId"] = str(uuid.uuid4())  # an alert no incident knows
    note_event["alert"]["alias"] = f"alias-{uuid.uuid4().hex[:6]}"
    note = json.dumps(note_event).encode()
    response = hooks.post("/hooks/opsgenie", content=note, headers=Signer("opsgenie").headers(note))
    assert_problem(response, 422, "?incident=")
    # Slack is acknowledged instead (it disables subscriptions that keep failing) ...
    event = json.loads(sample("slack"))
    event["event_id"] = f"Ev{uuid.uuid4().hex[:10]}"
    event["event"]["channel"] = "C0NOBODY01"
    body = json.dumps(event).encode()
    ignored = hooks.post("/hooks/slack", content=body, headers=Signer("slack").headers(body))
    assert ignored.status_code == 200 and ignored.json()["status"] == "ignored", ignored.text
    # ... but an incident that does not exist is still a 404
    missing = hooks.post(
        "/hooks/slack?incident=nope-nope", content=body, headers=Signer("slack").headers(body)
    )
    assert_problem(missing, 404, "nope-nope")


def test_failed_signatures_are_rate_limited(server_engine: sa.Engine) -> None:
    body = sample("github")
    with serve(server_engine, auth_failure_limit=2, **SECRETS) as client:
        bad = Signer("github").headers(body, secret="guess")
        for _ in range(2):
            assert client.post("/hooks/github", content=body, headers=bad).status_code == 403
        refused = assert_problem(client.post("/hooks/github", content=body, headers=bad), 429)
        assert "wait" in refused["fix"]
        # a correctly signed delivery from the same address is still taken
        good = Signer("github").headers(body)
        taken = client.post("/hooks/github", content=body, headers=good)
        assert taken.status_code not in (401, 403, 429), taken.text  # verified, then handled
        # and the API has a limiter of its own: a valid token is not refused either
        assert client.get("/healthz").status_code == 200
