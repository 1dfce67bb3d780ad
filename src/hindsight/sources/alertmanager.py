"""Prometheus Alertmanager `webhook_config` notifications (payload version 4).

One event per alert state change. The key is (fingerprint, startsAt, status): Alertmanager
re-sends the same body on every repeat interval, and a repeat must not become a new event,
while the same fingerprint with a later startsAt is a new firing episode. `endsAt` is Go's
zero time while an alert fires; a resolved alert carries its real resolve time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hindsight.core.events import Actor, Event, EventKind, format_instant
from hindsight.sources.base import NO_KEYS, SourceError
from hindsight.sources.reading import (
    arr,
    end_instant,
    instant,
    load_json,
    obj,
    opt_text,
    pointer,
    str_map,
    text,
)
from hindsight.sources.webhook import BEARER, Webhook

SERVICE_LABELS = ("service", "app", "application", "job")


def group_keys(source: str, payload: bytes) -> frozenset[str]:
    """An Alertmanager-shaped notification's `groupKey`: the alert group it reports on, the
    same in every notification of that group (Alertmanager and Grafana share it)."""
    try:
        body = load_json("payload", payload)
    except SourceError:
        return NO_KEYS
    value = body.get("groupKey") if isinstance(body, dict) else None
    return frozenset({f"{source}:group:{value}"}) if isinstance(value, str) and value else NO_KEYS


def firing_labels(payload: bytes) -> tuple[str, ...]:
    """The labels of an Alertmanager-shaped notification's firing alerts, as "key=value" (the
    events keep an alert's name and services, not every label; the trigger table's SLO rule
    matches on them). Alertmanager and Grafana share the shape."""
    try:
        body = load_json("payload", payload)
    except SourceError:
        return ()
    alerts = body.get("alerts") if isinstance(body, dict) else None
    out: dict[str, None] = {}
    for alert in alerts if isinstance(alerts, list) else ():
        if not isinstance(alert, dict) or alert.get("status") != "firing":
            continue
        labels = alert.get("labels")
        for key, value in labels.items() if isinstance(labels, dict) else ():
            if isinstance(key, str) and isinstance(value, str) and len(key) + len(value) < 200:
                out[f"{key}={value}"] = None
    return tuple(out)


def alert_events(
    name: str, payload: dict[str, Any], *, source: str, actor: str, links: tuple[str, ...]
) -> tuple[Event, ...]:
    """The events of an Alertmanager-shaped notification (Alertmanager and Grafana share it)."""
    alerts = arr(payload.get("alerts"), name, "alerts")
    common = str_map(payload, "commonLabels", name, "")
    events: list[Event] = []
    for i, item in enumerate(alerts):
        path = f"alerts[{i}]"
        alert = obj(item, name, path)
        status = text(alert, "status", name, path)
        if status not in ("firing", "resolved"):
            raise SourceError(
                f"{status!r} is not firing or resolved", where=name, field=f"{path}.status"
            )
        labels = {**common, **str_map(alert, "labels", name, path)}
        annotations = str_map(alert, "annotations", name, path)
        fingerprint = text(alert, "fingerprint", name, path)
        starts = instant(alert.get("startsAt"), name, f"{path}.startsAt")
        ends = end_instant(alert.get("endsAt"), name, f"{path}.endsAt")
        if status == "resolved" and ends is None:
            raise SourceError(
                "a resolved alert needs its resolve time", where=name, field=f"{path}.endsAt"
            )
        alertname = labels.get("alertname", fingerprint)
        summary = annotations.get("summary") or annotations.get("description") or ""
        # The first label that names a service; `job` last because it is often a scrape job.
        services = next(((labels[k],) for k in SERVICE_LABELS if labels.get(k)), ())
        link = next((u for u in (opt_text(alert, f, name, path) for f in links) if u), None)
        severity = labels.get("severity")
        detail = f" ({severity})" if severity else ""
        firing = status == "firing"
        at = starts if firing else ends
        assert at is not None
        events.append(
            Event(
                at=at,
                source=source,
                kind=EventKind.ALERT_FIRING if firing else EventKind.ALERT_RESOLVED,
                key=f"{source}:{fingerprint}:{format_instant(starts)}:{status}",
                text=f"{alertname}{detail} {'firing' if firing else 'resolved'}"
                + (f": {summary}" if summary else ""),
                actor=Actor(actor, is_bot=True),
                services=services,
                link=link,
                raw=pointer(name, "alerts", i),
                subject=f"{source}:{alertname}:{','.join(services)}",
            )
        )
    return tuple(events)


class AlertmanagerSource:
    name = "alertmanager"
    # No signature: `http_config.authorization` sends a bearer token.
    webhook = Webhook(
        summary="Alertmanager webhook_config (Authorization: Bearer token)", verify=BEARER
    )

    def detect(self, name: str, data: bytes) -> bool:
        head = data[:4096]
        return b'"groupKey"' in data and b'"alerts"' in head and b'"orgId"' not in data

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        payload = obj(load_json(name, data), name, "")
        version = payload.get("version")
        if version != "4":
            raise SourceError(
                f'version {version!r} is not an Alertmanager webhook (version "4")',
                where=name,
                field="version",
            )
        text(payload, "status", name, "")
        return alert_events(
            name, payload, source=self.name, actor="Alertmanager", links=("generatorURL",)
        )

    def alert_labels(self, payload: bytes) -> tuple[str, ...]:
        return firing_labels(payload)

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        return group_keys(self.name, payload)
