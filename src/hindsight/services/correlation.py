"""Which incident a payload belongs to, when nobody said.

1. A correlation key the store already knows: whatever the payload's source says ties it to
   an incident (`Source.correlation_keys`: an Alertmanager/Grafana `groupKey`, a PagerDuty
   incident id, an Opsgenie alert id). Keys are remembered on the incident they first joined;
   but once that incident has been resolved for longer than the window, the same key firing
   again is a new episode, so a new incident (how a flapping alert opens one incident per
   flap, which the trigger table's flaky-monitor rule counts).
2. Else an open incident of the same service whose latest event is within the window.
3. Else, if the payload raises an alarm (an alert fires, a page triggers), a new incident.
4. Else it cannot be placed: the caller must name the incident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.events import Event
from hindsight.core.figures import DETECTION_KINDS, MITIGATION_KIND
from hindsight.sources import Source, get_source
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork


def correlation_keys(source: str | Source, payload: bytes, found: Sequence[Event]) -> list[str]:
    """The payload's correlation keys, as its source defines them, in a stable order."""
    adapter = get_source(source) if isinstance(source, str) else source
    return sorted(adapter.correlation_keys(payload, found))


def payload_keys(
    source: str | Source, payload: bytes, found: Sequence[Event]
) -> tuple[list[str], tuple[str, ...]]:
    """The correlation keys and the firing alerts' labels ("key=value"), as the payload's
    source reads them (`Source.alert_labels` where it has labels), before any lock."""
    adapter = get_source(source) if isinstance(source, str) else source
    labels_of = getattr(adapter, "alert_labels", None)
    labels: tuple[str, ...] = labels_of(payload) if labels_of is not None else ()
    return sorted(adapter.correlation_keys(payload, found)), labels


@dataclass(frozen=True)
class Detection:
    """What placing a payload on an incident needs to know of its events: small enough to
    travel from a parse worker instead of the events themselves."""

    count: int
    alarm: Event | None  # the first alert or page: what opens a new incident
    services: tuple[str, ...]  # the services the alerts and pages name, first seen first
    earliest: dt.datetime | None  # the earliest event of any kind
    # Without an alert or page: the services its mitigations name (a rollback deployment),
    # which place it on the open incident of those services but never open one or widen it.
    # An acknowledgement or a note belongs to its alert or page, found by key; a change goes
    # to the change log, which joins it itself.
    mitigates: tuple[str, ...] = ()


def detection(found: Sequence[Event]) -> Detection:
    alarms = [e for e in found if e.kind in DETECTION_KINDS]
    first = min(alarms, key=lambda e: e.order, default=None)
    services = tuple(dict.fromkeys(s for e in alarms for s in e.services))
    earliest = min((e.at for e in found), default=None)
    mitigations = [] if alarms else [e for e in found if e.kind is MITIGATION_KIND]
    mitigates = tuple(dict.fromkeys(s for e in mitigations for s in e.services))
    return Detection(len(found), first, services, earliest, mitigates)


def correlate(
    uow: UnitOfWork, keys: Sequence[str], found: Detection, window: dt.timedelta
) -> Incident | None:
    by_key = uow.incidents.by_keys(keys)
    if by_key is not None:
        keyed = uow.incidents.get(by_key)
        if keyed is not None and not _over(keyed, found, window):
            return keyed
    services = set(found.services or found.mitigates)
    if not services or found.earliest is None:
        return None
    earliest = found.earliest
    for incident_id, touched, created_at, last_at in uow.incidents.open_for_correlation():
        if not services.intersection(touched):
            continue
        reference = last_at or created_at
        if earliest - reference <= window:
            return uow.incidents.get(incident_id)
    return None


def _over(incident: Incident, found: Detection, window: dt.timedelta) -> bool:
    """The incident was resolved longer than `window` before these events began."""
    resolved = incident.milestones.resolved_at
    if incident.status not in ("resolved", "closed") or resolved is None:
        return False
    return found.alarm is not None and found.alarm.at - resolved > window
