"""Milestones of an incident read from its evidence (the core's `Milestones[Event]`).

The suspected cause is the last deployment to an affected service before the first detection
(the last change when there is no deployment). It is offered as a *candidate* with the
reasoning that picked it: timing and a shared service make a change worth examining, not
guilty. The durations are the numbers a
postmortem quotes: the detection gap (cause → detection), and detection → acknowledgement,
→ mitigation, → resolution, plus the whole impact window (`core.figures.durations_of`).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Sequence

from hindsight.core.events import Event, EventKind
from hindsight.core.figures import (
    ACK_KIND,
    CHANGE_KINDS,
    DETECTION_KINDS,
    MITIGATION_KIND,
    RESOLUTION_KINDS,
    Durations,
    Milestones,
    SuspectedCause,
)

__all__ = [
    "CHANGE_KINDS",
    "DETECTION_KINDS",
    "Durations",
    "Milestones",
    "SuspectedCause",
    "find_milestones",
]


def find_milestones(events: Sequence[Event]) -> Milestones[Event]:
    """Milestones of `events`, which are de-duplicated and merged into order."""
    # One pass to index positions by kind; every question below is then a lookup or a bisect
    # on a short list, not another pass over a million-event storm.
    at: dict[EventKind, list[int]] = {kind: [] for kind in EventKind}
    for index, event in enumerate(events):
        at[event.kind].append(index)

    def first(kind: EventKind, start: int = 0) -> Event | None:
        positions = at[kind]
        i = bisect_left(positions, start)
        return events[positions[i]] if i < len(positions) else None

    def last(kind: EventKind, start: int, subject: str | None = None) -> Event | None:
        for position in reversed(at[kind]):
            if position < start:
                return None
            if subject is None or events[position].subject == subject:
                return events[position]
        return None

    starts = [at[kind][0] for kind in DETECTION_KINDS if at[kind]]
    if not starts:
        return Milestones(resolved=last(RESOLUTION_KINDS[0], 0))
    det = min(starts)
    detection = events[det]
    service_sets = {events[i].services for kind in DETECTION_KINDS for i in at[kind]}
    affected = sorted({s for services in service_sets for s in services})
    changes = sorted(i for kind in CHANGE_KINDS for i in at[kind] if i < det)
    cause = _suspected_cause([events[i] for i in changes], detection, affected)
    after_cause = 0
    if cause is not None:
        after_cause = next(i for i in changes if events[i] is cause.event) + 1
    condition = first(EventKind.CONDITION, after_cause)
    if condition is not None and condition.order >= detection.order:
        condition = None
    page = first(EventKind.PAGE_TRIGGERED)
    # The page that started the response defines the incident: its resolution is the
    # incident's, even if a side alert in another tool was closed later.
    page_resolved = RESOLUTION_KINDS[0]
    resolved = (last(page_resolved, det, page.subject) if page and page.subject else None) or next(
        (found for kind in RESOLUTION_KINDS if (found := last(kind, det))), None
    )
    return Milestones(
        cause=cause.event if cause else None,
        cause_candidate=cause.reasoning if cause else None,
        impact_start=condition or detection,
        first_detection=detection,
        first_page=page,
        acknowledged=first(ACK_KIND, det),
        mitigated=first(MITIGATION_KIND, det),
        resolved=resolved,
    )


def _suspected_cause(
    before: list[Event], detection: Event, affected: list[str]
) -> SuspectedCause[Event] | None:
    touching = [e for e in before if set(e.services) & set(affected)] if affected else before
    if not touching:
        return None
    # A deployment is what changes what runs: when one exists, a later push or branch change
    # (not deployed yet) is not the candidate, the last deployment is.
    deploys = [e for e in touching if e.kind is EventKind.DEPLOY]
    event = (deploys or touching)[-1]
    # A deploy's later statuses point at the deploy; the change reached the service when the
    # deploy began, so the deploy itself is the candidate.
    started = {e.key: e for e in before}
    event = next((started[r] for r in event.refs if r in started), event)
    gap = _minutes(detection.at - event.at)
    where = (
        f"the last change to {', '.join(sorted(set(event.services) & set(affected)))}"
        if affected
        else "the last recorded change (the alerts name no service)"
    )
    return SuspectedCause(
        event=event,
        reasoning=(
            f"{where} before the first detection ({detection.text}, {gap} later). "
            "A candidate to examine, not a finding: timing and a shared service suggest a "
            "link, they do not prove one."
        ),
    )


def _minutes(delta: dt.timedelta) -> str:
    total = int(delta.total_seconds() // 60)
    hours, minutes = divmod(total, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
