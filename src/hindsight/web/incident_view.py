"""Everything the incident page shows, gathered in one place (and timed by the benchmark)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from hindsight.core.events import Event, EventKind
from hindsight.core.timeline import Timeline
from hindsight.core.timeline.render import format_duration
from hindsight.services import Incident, Postmortem, UnitOfWork
from hindsight.services.incident_page import EventPage, incident_snapshot
from hindsight.web.chart import timeline_svg
from hindsight.web.listing import category
from hindsight.web.timeline_edit import promoted

MILESTONE_ROWS = (
    ("Suspected cause", "cause_at"),
    ("Detected", "detected_at"),
    ("Acknowledged", "acknowledged_at"),
    ("Mitigated", "mitigated_at"),
    ("Resolved", "resolved_at"),
)


def anchor(key: str) -> str:
    """A stable, HTML-safe fragment id for an event key."""
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class EventRow:
    event: Event
    anchor: str
    payload_id: int | None
    pointer: str | None
    promoted: bool


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    timeline: Timeline
    postmortem: Postmortem | None
    postmortem_state: str
    rows: tuple[EventRow, ...]  # after the source / kind filters
    sources: tuple[str, ...]
    kinds: tuple[str, ...]
    chart: str
    durations: tuple[tuple[str, str], ...]
    page: EventPage  # the rows' page: offset, total, whether the events were read whole
    events_total: int


def durations(timeline: Timeline) -> tuple[tuple[str, str], ...]:
    spans = timeline.milestones.durations
    return (
        ("Cause → detection (detection gap)", format_duration(spans.detection_gap)),
        ("Detection → acknowledged", format_duration(spans.detection_to_ack)),
        ("Detection → mitigated", format_duration(spans.detection_to_mitigation)),
        ("Detection → resolved", format_duration(spans.detection_to_resolution)),
        ("Impact window", format_duration(spans.impact_window)),
    )


def incident_view(
    uow: UnitOfWork, ref: str, *, source: str = "", kind: str = "", offset: int = 0
) -> IncidentView:
    snapshot = incident_snapshot(uow, ref, source=source, kind=kind, offset=offset)
    incident, timeline, page = snapshot.incident, snapshot.timeline, snapshot.page
    postmortem, names = snapshot.postmortem, snapshot.payloads
    inside = promoted(postmortem.markdown, page.events) if postmortem else frozenset()
    rows = []
    for event in page.events:
        name, _, pointer = (event.raw or "").partition("#")
        rows.append(
            EventRow(
                event, anchor(event.key), names.get(name), pointer or None, event.key in inside
            )
        )
    return IncidentView(
        incident=incident,
        timeline=timeline,
        postmortem=postmortem,
        postmortem_state=category(postmortem),
        rows=tuple(rows),
        sources=snapshot.sources,
        kinds=tuple(k.value for k in EventKind if k.value in snapshot.kinds),
        chart=timeline_svg(timeline, title=f"Timeline of {incident.title}"),
        durations=durations(timeline),
        page=page,
        events_total=snapshot.events_total,
    )
