"""What the incident page shows, read in one snapshot: the incident, its evidence built into
the timeline, its postmortem and the names of the payloads behind its events — one read
transaction, so the parts cannot disagree with each other."""

from __future__ import annotations

from dataclasses import dataclass

from hindsight.core.timeline import Timeline, build_timeline
from hindsight.services.chat_names import with_chat_names
from hindsight.services.incidents import find_incident
from hindsight.store.records import Incident, Postmortem
from hindsight.store.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class IncidentSnapshot:
    incident: Incident
    timeline: Timeline
    postmortem: Postmortem | None
    payloads: dict[str, int]  # payload name → id, to link each event to its raw payload


def incident_snapshot(uow: UnitOfWork, ref: int | str) -> IncidentSnapshot:
    with uow:
        incident = find_incident(uow, ref)
        events = with_chat_names(uow, list(uow.events.for_incident(incident.id)))
        postmortem = uow.postmortems.for_incident(incident.id)
        names = uow.payloads.names(incident.id)
    return IncidentSnapshot(incident, build_timeline(events), postmortem, names)
