"""Milestones of an incident and the durations between them.

The suspected cause is the last change or deploy to an affected service before the first
detection. It is offered as a *candidate* with the reasoning that picked it: timing and a
shared service make a change worth examining, not guilty. The durations are the numbers a
postmortem quotes: the detection gap (cause → detection), and detection → acknowledgement,
→ mitigation, → resolution, plus the whole impact window.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.events import Event, EventKind

DETECTION_KINDS = frozenset({EventKind.ALERT_FIRING, EventKind.PAGE_TRIGGERED})
CHANGE_KINDS = frozenset({EventKind.CHANGE, EventKind.DEPLOY})


@dataclass(frozen=True)
class SuspectedCause:
    """A candidate for review, never a finding: the event and why it was picked."""

    event: Event
    reasoning: str


@dataclass(frozen=True)
class Durations:
    detection_gap: dt.timedelta | None  # suspected cause → first detection
    detection_to_ack: dt.timedelta | None
    detection_to_mitigation: dt.timedelta | None
    detection_to_resolution: dt.timedelta | None
    impact_window: dt.timedelta | None  # impact start → resolution


@dataclass(frozen=True)
class Milestones:
    suspected_cause: SuspectedCause | None = None
    impact_start: Event | None = None  # first condition after the cause, else first detection
    first_detection: Event | None = None
    first_page: Event | None = None
    acknowledged: Event | None = None
    mitigated: Event | None = None
    resolved: Event | None = None

    @property
    def durations(self) -> Durations:
        detection = self.first_detection

        def since(start: Event | None, end: Event | None) -> dt.timedelta | None:
            return end.at - start.at if start is not None and end is not None else None

        cause = self.suspected_cause.event if self.suspected_cause else None
        return Durations(
            detection_gap=since(cause, detection),
            detection_to_ack=since(detection, self.acknowledged),
            detection_to_mitigation=since(detection, self.mitigated),
            detection_to_resolution=since(detection, self.resolved),
            impact_window=since(self.impact_start, self.resolved),
        )


def find_milestones(events: Sequence[Event]) -> Milestones:
    """Milestones of `events`, which are de-duplicated and merged into order."""
    detection = next((e for e in events if e.kind in DETECTION_KINDS), None)
    if detection is None:
        return Milestones(resolved=_last(events, EventKind.RESOLVED))
    after = [e for e in events if e.order >= detection.order]
    affected = sorted({s for e in events if e.kind in DETECTION_KINDS for s in e.services})
    cause = _suspected_cause(events, detection, affected)
    start_from = cause.event.order if cause else None
    condition = next(
        (
            e
            for e in events
            if e.kind is EventKind.CONDITION
            and e.order < detection.order
            and (start_from is None or e.order > start_from)
        ),
        None,
    )
    page = next((e for e in events if e.kind is EventKind.PAGE_TRIGGERED), None)
    # The page that started the response defines the incident: its resolution is the
    # incident's, even if a side alert in another tool was closed later.
    resolved = (
        (_last_about(after, EventKind.RESOLVED, page.subject) if page and page.subject else None)
        or _last(after, EventKind.RESOLVED)
        or _last(after, EventKind.ALERT_RESOLVED)
    )
    return Milestones(
        suspected_cause=cause,
        impact_start=condition or detection,
        first_detection=detection,
        first_page=page,
        acknowledged=next((e for e in after if e.kind is EventKind.ACKNOWLEDGED), None),
        mitigated=next((e for e in after if e.kind is EventKind.MITIGATION), None),
        resolved=resolved,
    )


def _last(events: Sequence[Event], kind: EventKind) -> Event | None:
    return next((e for e in reversed(events) if e.kind is kind), None)


def _last_about(events: Sequence[Event], kind: EventKind, subject: str) -> Event | None:
    return next((e for e in reversed(events) if e.kind is kind and e.subject == subject), None)


def _suspected_cause(
    events: Sequence[Event], detection: Event, affected: list[str]
) -> SuspectedCause | None:
    before = [e for e in events if e.kind in CHANGE_KINDS and e.order < detection.order]
    touching = [e for e in before if set(e.services) & set(affected)] if affected else before
    if not touching:
        return None
    event = touching[-1]
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
