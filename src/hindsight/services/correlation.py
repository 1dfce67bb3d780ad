"""Which incident a payload belongs to, when nobody said.

1. A correlation key the store already knows: an Alertmanager/Grafana `groupKey`, a PagerDuty
   incident id, an Opsgenie alert id. Keys are remembered on the incident they first joined.
2. Else an open incident of the same service whose latest event is within the window.
3. Else, if the payload raises an alarm (an alert fires, a page triggers), a new incident.
4. Else it cannot be placed: the caller must name the incident.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from hindsight.core.events import Event, EventKind
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork

DETECTION_KINDS = frozenset({EventKind.ALERT_FIRING, EventKind.PAGE_TRIGGERED})
_SUBJECT_SOURCES = ("pagerduty", "opsgenie")
_GROUPED_SOURCES = ("alertmanager", "grafana")


def correlation_keys(source: str, payload: bytes, found: Sequence[Event]) -> list[str]:
    keys = {e.subject for e in found if e.subject and e.source in _SUBJECT_SOURCES}
    if source in _GROUPED_SOURCES:
        group = _group_key(payload)
        if group:
            keys.add(f"{source}:group:{group}")
    return sorted(keys)


def _group_key(payload: bytes) -> str | None:
    try:
        body = json.loads(payload)
    except ValueError:
        return None
    value = body.get("groupKey") if isinstance(body, dict) else None
    return value if isinstance(value, str) and value else None


def correlate(
    uow: UnitOfWork, keys: Sequence[str], found: Sequence[Event], window: dt.timedelta
) -> Incident | None:
    by_key = uow.incidents.by_keys(keys)
    if by_key is not None:
        return uow.incidents.get(by_key)
    services = {s for e in found if e.kind in DETECTION_KINDS for s in e.services}
    if not services or not found:
        return None
    earliest = min(e.at for e in found)
    for incident_id, touched, created_at, last_at in uow.incidents.open_for_correlation():
        if not services.intersection(touched):
            continue
        reference = last_at or created_at
        if earliest - reference <= window:
            return uow.incidents.get(incident_id)
    return None


def raises_alarm(found: Sequence[Event]) -> Event | None:
    """The first alert or page of the payload: the start of a new incident."""
    alarms = sorted((e for e in found if e.kind in DETECTION_KINDS), key=lambda e: e.order)
    return alarms[0] if alarms else None
