"""Deliveries for the trigger-table tests, shaped as the tools send them: Alertmanager's
webhook (version 4) and generic JSON Lines for pages and automated mitigations."""

from __future__ import annotations

import datetime as dt
import json

ZERO = "0001-01-01T00:00:00Z"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def stamp(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def alertmanager(
    name: str,
    service: str,
    starts: dt.datetime,
    *,
    ends: dt.datetime | None = None,
    fingerprint: str | None = None,
    labels: dict[str, str] | None = None,
) -> bytes:
    """One alert: firing (no `ends`) or resolved at `ends`."""
    all_labels = {"alertname": name, "service": service, "severity": "warning"} | (labels or {})
    status = "resolved" if ends is not None else "firing"
    alert = {
        "status": status,
        "labels": all_labels,
        "annotations": {"summary": f"{name} on {service}"},
        "startsAt": stamp(starts),
        "endsAt": stamp(ends) if ends is not None else ZERO,
        "generatorURL": "http://prometheus.example.com:9090/graph",
        "fingerprint": fingerprint or f"fp{abs(hash((name, service))) % 10**12:012d}",
    }
    group = f'{{}}:{{alertname="{name}", service="{service}"}}'
    body = {
        "receiver": "hindsight",
        "status": status,
        "alerts": [alert],
        "groupLabels": {"alertname": name, "service": service},
        "commonLabels": all_labels,
        "commonAnnotations": alert["annotations"],
        "externalURL": "http://alertmanager.example.com:9093",
        "version": "4",
        "groupKey": group,
        "truncatedAlerts": 0,
    }
    return json.dumps(body).encode()


def generic(*rows: dict[str, object]) -> bytes:
    """Generic JSON Lines: time, kind, text, actor, is_bot, service, id."""
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def row(
    at: dt.datetime, kind: str, text: str, *, actor: str = "", bot: bool = False, service: str = ""
) -> dict[str, object]:
    return {
        "time": at.isoformat(),
        "kind": kind,
        "text": text,
        "actor": actor,
        "is_bot": "true" if bot else "false",
        "service": service,
        "id": f"{kind}-{at.isoformat()}-{text}",
    }


def pagerduty(kind: str, incident_id: str, title: str, service: str, at: dt.datetime) -> bytes:
    """A PagerDuty V3 webhook: `incident.triggered` or `incident.resolved`."""
    status = kind.split(".")[1]
    body = {
        "event": {
            "id": f"EVT{incident_id}{status}",
            "event_type": kind,
            "resource_type": "incident",
            "occurred_at": stamp(at),
            "agent": {"id": "PSVC", "summary": service, "type": "service_reference"},
            "client": None,
            "data": {
                "id": incident_id,
                "type": "incident",
                "html_url": f"https://example.pagerduty.com/incidents/{incident_id}",
                "number": 1,
                "status": status,
                "created_at": stamp(at),
                "title": title,
                "service": {"id": "PSVC", "summary": service, "type": "service_reference"},
            },
        }
    }
    return json.dumps(body).encode()
