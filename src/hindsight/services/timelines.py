"""The stored timeline of an incident, and the milestones and durations kept on the incident.

The milestone columns are derived from the events. The CLI recomputes them in the ingest
transaction (`refresh_milestones`); the server leaves them to its coalescing
`milestone_refresh.MilestoneRefresher`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from hindsight.core.events import Event
from hindsight.core.figures import Durations, Instant, Milestones
from hindsight.core.incident import (
    alarm_facts,
    follow_evidence,
    opened_at,
    status_from_evidence,
)
from hindsight.core.timeline import Timeline, build_timeline
from hindsight.core.timeline.build import timeline_events
from hindsight.core.timeline.milestones import find_milestones
from hindsight.services.autodraft import on_status_change
from hindsight.services.chat_names import with_chat_names
from hindsight.services.incidents import find_incident
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class IncidentTimeline:
    incident: Incident
    timeline: Timeline


def incident_timeline(uow: UnitOfWork, ref: int | str) -> IncidentTimeline:
    """Every stored event of the incident, built into the merged, de-duplicated timeline with
    its milestones and durations."""
    with uow:
        incident = find_incident(uow, ref)
        found = with_chat_names(uow, list(uow.events.for_incident(incident.id)))
    return IncidentTimeline(incident, build_timeline(found))


def refresh_milestones(uow: UnitOfWork, incident_id: int, now: dt.datetime) -> None:
    """Recompute the incident's milestone and duration columns (inside an open uow)."""
    write_evidence_figures(uow, incident_id, uow.events.milestone_candidates(incident_id), now)


def write_evidence_figures(
    uow: UnitOfWork, incident_id: int, events: list[Event], now: dt.datetime
) -> bool:
    """Write what `events` (the incident's evidence, or the store's candidates for a storm)
    say about the incident — milestones, durations, opened time, status — when any of it
    changed (inside an open uow). The one path the CLI's ingest and the server's refresher
    share, so they cannot disagree."""
    stored = uow.incidents.get(incident_id)
    if stored is None:
        return False  # deleted meanwhile
    ordered = timeline_events(events)
    milestones, durations = to_records(find_milestones(ordered))
    status = follow_evidence(stored.status, status_from_evidence(ordered))
    opened = opened_at(ordered)
    alarms = alarm_facts(ordered)
    alarm_values = {
        "alert_identity": alarms.identity,
        "alert_names": list(alarms.names),
        "automated_mitigation": alarms.automated_mitigation,
    }
    stored_alarms = {
        "alert_identity": stored.alert_identity,
        "alert_names": list(stored.alert_names),
        "automated_mitigation": stored.automated_mitigation,
    }
    if (stored.milestones, stored.durations, stored.status, stored.opened_at, stored_alarms) == (
        milestones,
        durations,
        status,
        opened,
        alarm_values,
    ):
        return False
    if stored_alarms != alarm_values:
        uow.incidents.update(incident_id, alarm_values, now)
    uow.incidents.set_milestones(
        incident_id, milestones, durations, now, opened_at=opened, status=status
    )
    if status != stored.status:
        on_status_change(uow, incident_id, stored.status, status, now)
    return True


def to_records(found: Milestones[Event]) -> tuple[Milestones[Instant], Durations]:
    """The timeline's milestones as the store keeps them: the instants (the cause with its
    change's text and the reasoning), and the durations the core computed from the events."""
    cause = found.cause
    kept = dataclasses.replace(
        found.instants(),
        impact_start=None,  # not a column: its window is kept among the durations
        cause_candidate=f"{cause.text} — {found.cause_candidate}" if cause else None,
    )
    return kept, found.durations
