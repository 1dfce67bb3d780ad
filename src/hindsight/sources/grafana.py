"""Grafana unified alerting: the webhook contact point (payload version 1).

The body is Alertmanager's with Grafana's additions (`orgId`, `state`, `title`, per-alert
panel and dashboard URLs). Grafana writes times in the server's local offset with
microseconds; they are normalised to UTC like every other time.
"""

from __future__ import annotations

from collections.abc import Sequence

from hindsight.core.events import Event
from hindsight.sources.alertmanager import alert_events, firing_labels, group_keys
from hindsight.sources.base import SourceError
from hindsight.sources.reading import load_json, obj
from hindsight.sources.webhook import (
    Delivery,
    Secrets,
    Webhook,
    mac,
    matches_any,
    mismatch,
    missing,
    within_window,
)

SIGNATURE = "X-Grafana-Alerting-Signature"
TIMESTAMP = "X-Grafana-Alerting-Timestamp"


def verify(delivery: Delivery, secrets: Secrets) -> None:
    """`X-Grafana-Alerting-Signature: hex(HMAC(secret, body))`, or over `ts + ":" + body`
    when `X-Grafana-Alerting-Timestamp` is sent (then within the replay window)."""
    given = delivery.headers.get(SIGNATURE.lower())
    if not given:
        raise missing(SIGNATURE, delivery.source)
    stamp = delivery.headers.get(TIMESTAMP.lower())
    message = delivery.body
    if stamp is not None:
        sent = within_window(stamp, TIMESTAMP, delivery, secrets.replay_window_s)
        message = sent.encode() + b":" + delivery.body
    expected = [mac(secret, message) for secret in secrets.values]
    if not matches_any(expected, [given.strip()]):
        raise mismatch(SIGNATURE, delivery.source)


class GrafanaSource:
    name = "grafana"
    webhook = Webhook(
        summary="Grafana webhook contact point (optional HMAC signature)", verify=verify
    )

    def detect(self, name: str, data: bytes) -> bool:
        return b'"alerts"' in data and b'"orgId"' in data

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        payload = obj(load_json(name, data), name, "")
        version = payload.get("version")
        if version != "1":
            raise SourceError(
                f'version {version!r} is not a Grafana webhook (version "1")',
                where=name,
                field="version",
            )
        state = payload.get("state")
        if state not in ("alerting", "ok"):
            raise SourceError(f"{state!r} is not alerting or ok", where=name, field="state")
        return alert_events(
            name,
            payload,
            source=self.name,
            actor="Grafana",
            links=("panelURL", "dashboardURL", "generatorURL"),
        )

    def alert_labels(self, payload: bytes) -> tuple[str, ...]:
        return firing_labels(payload)

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        return group_keys(self.name, payload)
