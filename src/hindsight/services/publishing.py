"""Outgoing deliveries: the publish announcement in Slack and the signed lifecycle webhooks.

The events are queued in the transaction that caused them (`services.outbox`); here they are
sent, by the `outbox.send` job (services.jobs; run in the server or by `hindsight worker`).
Each step is a plain function and each delivery has an idempotency key (its row's `key`):

- `fan_out(uow, settings, now)`: every queued lifecycle event → one delivery row per target
  (each webhook URL; for `postmortem.published` also the incident's Slack channel and the
  configured one);
- `deliver(uow_factory, settings, delivery_id, client)`: one attempt of one delivery; a failure
  is retried with a doubling backoff until `webhook_attempts`, then shown as failed.

Slack is called by its documented contract: `POST {slack_api_url}/chat.postMessage` with a
bearer bot token and a JSON body (`channel`, `text`); Slack answers 200 with `{"ok": true}` or
`{"ok": false, "error": …}`, and 429 with `Retry-After` when rate limited.

A webhook carries `X-Hindsight-Event`, `X-Hindsight-Delivery` (the idempotency key: a
receiver drops repeats), `X-Hindsight-Timestamp` and `X-Hindsight-Signature: sha256=<hex>`,
the HMAC-SHA256 of `timestamp + "." + body` under `webhook_secret`.

A receiver that fails holds up nothing: each attempt is one short request with a timeout, the
deliveries due are taken in order, and a failing one waits for its backoff while the others go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from hindsight.services.outbox import LIFECYCLE
from hindsight.settings import Settings
from hindsight.store.outgoing import OutgoingDelivery
from hindsight.store.unit_of_work import UnitOfWork, utc_now

SLACK_PREFIX = "slack:"
TIMEOUT_S = 5.0
log = logging.getLogger("hindsight.publishing")


def webhook_targets(settings: Settings) -> list[str]:
    return [u.strip() for u in settings.webhook_urls.split(",") if u.strip()]


def fan_out(uow: UnitOfWork, settings: Settings, now: dt.datetime) -> int:
    """Turn the queued lifecycle events into deliveries (inside an open uow). The number of
    deliveries queued."""
    queued = 0
    for event in uow.outgoing.pending(target=LIFECYCLE):
        targets = list(webhook_targets(settings))
        if event.event == "postmortem.published" and settings.slack_bot_token is not None:
            channel = event.body.get("incident", {}).get("slack_channel")
            targets += [
                SLACK_PREFIX + c
                for c in dict.fromkeys((channel, settings.slack_announce_channel))
                if c
            ]
        for target in targets:
            queued += uow.outgoing.add(
                key=f"{event.key}>{_short(target)}",
                event=event.event,
                target=target,
                incident_id=event.incident_id,
                body=event.body,
                now=now,
            )
        uow.outgoing.record(event.id, state="delivered", attempts=1, error=None, now=now)
    return queued


def due(delivery: OutgoingDelivery, settings: Settings, now: dt.datetime) -> bool:
    """A pending delivery is due once its backoff after the last attempt has passed."""
    if delivery.target == LIFECYCLE or delivery.state != "pending":
        return False
    if delivery.attempts == 0 or delivery.updated_at is None:
        return True
    wait = settings.webhook_backoff_s * 2 ** (delivery.attempts - 1)
    return now >= delivery.updated_at + dt.timedelta(seconds=wait)


def work_due(uow: UnitOfWork, settings: Settings, now: dt.datetime) -> bool:
    """Whether `run_once` has anything to do now (inside an open uow, a snapshot will do): a
    lifecycle event to fan out, or a delivery whose backoff has passed."""
    if uow.outgoing.pending(limit=1, target=LIFECYCLE):
        return True
    return any(due(d, settings, now) for d in uow.outgoing.pending(limit=500, exclude=LIFECYCLE))


def deliver(
    uow_factory: Callable[[], UnitOfWork],
    settings: Settings,
    delivery_id: int,
    client: httpx.Client,
) -> str:
    """One attempt of delivery `delivery_id`; its state afterwards (delivered, pending or
    failed). Idempotent: a delivery already done or failed is left alone."""
    with uow_factory() as uow:
        delivery = uow.outgoing.get(delivery_id)
    if delivery is None or delivery.state != "pending":
        return delivery.state if delivery else "missing"
    try:
        if delivery.target.startswith(SLACK_PREFIX):
            _post_slack(client, settings, delivery)
        else:
            _post_webhook(client, settings, delivery)
        error = None
    except _Failed as failed:
        error = str(failed)
    attempts = delivery.attempts + 1
    if error is None:
        state = "delivered"
    elif attempts >= settings.webhook_attempts:
        state = "failed"
    else:
        state = "pending"
    with uow_factory() as uow:
        uow.outgoing.record(delivery_id, state=state, attempts=attempts, error=error, now=utc_now())
        uow.commit()
    if error is not None:
        log.warning(
            "outgoing delivery failed",
            extra={"delivery": delivery.key, "attempt": attempts, "error": error},
        )
    return state


class _Failed(Exception):
    pass


def _post_slack(client: httpx.Client, settings: Settings, delivery: OutgoingDelivery) -> None:
    assert settings.slack_bot_token is not None
    channel = delivery.target[len(SLACK_PREFIX) :]
    try:
        response = client.post(
            f"{settings.slack_api_url.rstrip('/')}/chat.postMessage",
            headers={
                "Authorization": f"Bearer {settings.slack_bot_token.get_secret_value()}",
                "Content-Type": "application/json; charset=utf-8",
            },
            json={"channel": channel, "text": message(delivery.body, settings)},
            timeout=TIMEOUT_S,
        )
    except httpx.HTTPError as error:
        raise _Failed(f"Slack unreachable: {error}") from None
    if response.status_code == 429:
        raise _Failed(f"Slack rate limited (Retry-After {response.headers.get('Retry-After')})")
    if response.status_code != 200:
        raise _Failed(f"Slack answered HTTP {response.status_code}")
    try:
        answer = response.json()
    except ValueError:
        raise _Failed("Slack answered with something that is not JSON") from None
    if not isinstance(answer, dict) or answer.get("ok") is not True:
        said = answer.get("error") if isinstance(answer, dict) else None
        raise _Failed(f"Slack refused the message: {said or 'no error given'}")


def message(body: dict[str, Any], settings: Settings) -> str:
    """A delivery's Slack text: its own (the day's reminders), or the publish announcement."""
    text = body.get("text")
    return text if isinstance(text, str) else announcement(body, settings)


def announcement(body: dict[str, Any], settings: Settings) -> str:
    incident = body.get("incident", {})
    data = body.get("data", {})
    link = data.get("permalink") or ""
    if settings.public_url and link.startswith("/"):
        link = settings.public_url.rstrip("/") + link
    title = data.get("title") or incident.get("title") or incident.get("slug")
    return f"Postmortem published: {title}" + (f" — {link}" if link else "")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _post_webhook(client: httpx.Client, settings: Settings, delivery: OutgoingDelivery) -> None:
    body = json.dumps(delivery.body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Hindsight-Webhooks",
        "X-Hindsight-Event": delivery.event,
        "X-Hindsight-Delivery": delivery.key,
        "X-Hindsight-Timestamp": timestamp,
    }
    if settings.webhook_secret is not None:
        headers["X-Hindsight-Signature"] = signature(
            settings.webhook_secret.get_secret_value(), timestamp, body
        )
    try:
        response = client.post(delivery.target, content=body, headers=headers, timeout=TIMEOUT_S)
    except httpx.HTTPError as error:
        raise _Failed(f"unreachable: {error.__class__.__name__}: {error}") from None
    if not 200 <= response.status_code < 300:
        raise _Failed(f"the receiver answered HTTP {response.status_code}")


def _short(target: str) -> str:
    """A target inside a key of at most 200 characters: itself, or a digest of it."""
    return target if len(target) <= 80 else hashlib.sha256(target.encode()).hexdigest()[:32]


def run_once(
    uow_factory: Callable[[], UnitOfWork],
    settings: Settings,
    client: httpx.Client,
    *,
    read_uow: Callable[[], UnitOfWork] | None = None,
) -> dict[str, int]:
    """Fan out what is queued, then attempt every delivery that is due once: the `outbox.send`
    job. Counts by resulting state. With `read_uow` (a snapshot) an idle tick takes
    no write lock."""
    with (read_uow or uow_factory)() as uow:
        now = utc_now()
        events = bool(uow.outgoing.pending(limit=1, target=LIFECYCLE))
        ready = [
            d.id
            for d in uow.outgoing.pending(limit=500, exclude=LIFECYCLE)
            if due(d, settings, now)
        ]
    if events:
        with uow_factory() as uow:
            fan_out(uow, settings, utc_now())
            uow.commit()
        with (read_uow or uow_factory)() as uow:
            now = utc_now()
            ready = [
                d.id
                for d in uow.outgoing.pending(limit=500, exclude=LIFECYCLE)
                if due(d, settings, now)
            ]
    counts: dict[str, int] = {}
    for delivery_id in ready:
        state = deliver(uow_factory, settings, delivery_id, client)
        counts[state] = counts.get(state, 0) + 1
    return counts
