"""Lifecycle events queued in the transaction that caused them (an outbox): the resolve, the
status change, the publication commit together with their event row or not at all, and the
server's sender (`services.publishing`) delivers them afterwards, off the request path.

A queued event is one row with target `lifecycle`; the sender fans it out to one delivery
row per configured target. Every row is unique by its idempotency key, so queueing the same
event twice (a refresh that runs again, a retried request) sends it once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork

LIFECYCLE = "lifecycle"
EVENTS = ("incident.resolved", "postmortem.status_changed", "postmortem.published")


def queue_event(
    uow: UnitOfWork,
    event: str,
    incident: Incident,
    data: dict[str, Any],
    *,
    now: dt.datetime,
    once: str,
) -> bool:
    """Queue `event` about `incident` (inside the open uow); `once` makes its key unique (the
    version published, the instant resolved). False when it was queued already."""
    assert event in EVENTS, event
    body = {
        "event": event,
        "at": now.isoformat(),
        "incident": {
            "id": incident.id,
            "slug": incident.slug,
            "title": incident.title,
            "severity": incident.severity,
            "status": incident.status,
            "slack_channel": incident.slack_channel,
        },
        "data": data,
    }
    return uow.outgoing.add(
        key=f"{event}:{incident.id}:{once}",
        event=event,
        target=LIFECYCLE,
        incident_id=incident.id,
        body=body,
        now=now,
    )
