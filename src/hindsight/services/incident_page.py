"""What the incident page shows, read in one snapshot: the incident, its timeline, one page of
its evidence, its postmortem and the names of the payloads behind those events — one read
transaction, so the parts cannot disagree with each other.

Up to `WHOLE_UP_TO` events an incident is read whole: the timeline is built from every event
(de-duplicated across tools) and the page is a slice of it. Past that — a storm — reading
every event for each view would cost seconds and megabytes, so the timeline is built from the
store's milestone candidates (the milestones and durations are the same: the candidates are
exactly what they depend on) and the page is an index range of the stored events in time
order. Either way a view holds at most `PAGE_SIZE` rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from hindsight.core.events import Event
from hindsight.core.timeline import Timeline, build_timeline
from hindsight.services.chat_names import with_chat_names
from hindsight.services.incidents import find_incident
from hindsight.store.records import Incident, Postmortem
from hindsight.store.unit_of_work import UnitOfWork

WHOLE_UP_TO = 5_000
PAGE_SIZE = 500


@dataclass(frozen=True)
class EventPage:
    events: tuple[Event, ...]
    total: int  # the events that match the filters, on every page
    offset: int
    limit: int
    whole: bool  # False: a storm's events as stored (not de-duplicated across tools)

    @property
    def next_offset(self) -> int | None:
        after = self.offset + len(self.events)
        return after if after < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


@dataclass(frozen=True)
class IncidentSnapshot:
    incident: Incident
    timeline: Timeline  # whole, or (a storm) built from the milestone candidates
    postmortem: Postmortem | None
    payloads: dict[str, int]  # payload name → id, to link each event to its raw payload
    page: EventPage
    sources: tuple[str, ...]
    kinds: tuple[str, ...]
    events_total: int


def _whole(uow: UnitOfWork, incident_id: int) -> tuple[list[Event] | None, int]:
    """Every event of the incident, named, when it has at most `WHOLE_UP_TO` (None: a
    storm), and how many there are."""
    total = uow.events.count(incident_id)
    if total > WHOLE_UP_TO:
        return None, total
    return with_chat_names(uow, list(uow.events.for_incident(incident_id))), total


def _timeline(uow: UnitOfWork, incident_id: int) -> tuple[Timeline, bool, int]:
    """The timeline the page shows, whether it was read whole, and how many events there are."""
    found, total = _whole(uow, incident_id)
    if found is not None:
        return build_timeline(found), True, total
    key = uow.events.milestone_candidates(incident_id, exact_up_to=WHOLE_UP_TO)
    return build_timeline(with_chat_names(uow, key)), False, total


@dataclass(frozen=True)
class TimelineView:
    incident: Incident
    timeline: Timeline
    whole: bool  # False: a storm's key events (its milestones exact), not every event
    events_total: int


def timeline_view(uow: UnitOfWork, ref: int | str) -> TimelineView:
    """The incident's timeline as the page and the timeline API show it: whole up to
    `WHOLE_UP_TO` events, a storm's key events past that."""
    with uow:
        incident = find_incident(uow, ref)
        timeline, whole, total = _timeline(uow, incident.id)
    return TimelineView(incident, timeline, whole, total)


def _page_of(
    uow: UnitOfWork,
    incident_id: int,
    timeline: Timeline | None,
    *,
    offset: int,
    limit: int,
    source: str,
    kind: str,
) -> EventPage:
    if timeline is not None:  # read whole
        matching = [
            e
            for e in timeline.events
            if (not source or e.source == source) and (not kind or e.kind.value == kind)
        ]
        shown = tuple(matching[offset : offset + limit])
        return EventPage(shown, len(matching), offset, limit, whole=True)
    found, total = uow.events.page(
        incident_id, offset=offset, limit=limit, source=source, kind=kind
    )
    return EventPage(tuple(with_chat_names(uow, found)), total, offset, limit, whole=False)


def incident_snapshot(
    uow: UnitOfWork,
    ref: int | str,
    *,
    offset: int = 0,
    limit: int | None = None,
    source: str = "",
    kind: str = "",
) -> IncidentSnapshot:
    limit = limit or PAGE_SIZE
    with uow:
        incident = find_incident(uow, ref)
        timeline, whole, total = _timeline(uow, incident.id)
        page = _page_of(
            uow,
            incident.id,
            timeline if whole else None,
            offset=offset,
            limit=limit,
            source=source,
            kind=kind,
        )
        if whole:
            sources = tuple(sorted({e.source for e in timeline.events}))
            kinds = tuple(sorted({e.kind.value for e in timeline.events}))
        else:
            sources, kinds = uow.events.facets(incident.id)
        postmortem = uow.postmortems.for_incident(incident.id)
        names = uow.payloads.names(
            incident.id, None if whole else {(e.raw or "").partition("#")[0] for e in page.events}
        )
    return IncidentSnapshot(incident, timeline, postmortem, names, page, sources, kinds, total)


def event_page(
    uow: UnitOfWork, ref: int | str, *, offset: int, limit: int
) -> tuple[Incident, EventPage]:
    """One page of the incident's events, as the incident page lists them (the events API)."""
    with uow:
        incident = find_incident(uow, ref)
        found, _ = _whole(uow, incident.id)
        timeline = build_timeline(found) if found is not None else None
        page = _page_of(uow, incident.id, timeline, offset=offset, limit=limit, source="", kind="")
    return incident, page
