"""A postmortem by itself: when an incident resolves and the trigger table owes one, draft it
from the evidence (the whole template for `required`, the lightweight one for `lightweight`).

Called from `timelines.write_evidence_figures` — the one place an incident's status follows
its evidence, for the CLI's ingest and the server's milestone refresher alike — in the same
transaction, so a resolve and its draft commit together or not at all. It also queues the
`incident.resolved` lifecycle event for the outgoing webhooks (`services.publishing`).
"""

from __future__ import annotations

import datetime as dt

from hindsight.core.document import render
from hindsight.core.drafting import draft
from hindsight.core.incident import IncidentStatus
from hindsight.core.policy_lightweight import lightweight
from hindsight.core.timeline import build_timeline
from hindsight.services.chat_names import with_chat_names
from hindsight.services.outbox import queue_event
from hindsight.services.postmortems import new_postmortem_in
from hindsight.store.unit_of_work import UnitOfWork

AUTHOR = "hindsight (auto-draft)"


def on_status_change(
    uow: UnitOfWork, incident_id: int, before: str, after: str, now: dt.datetime
) -> None:
    """The incident's status moved by its evidence (inside the open uow that moved it)."""
    if after != IncidentStatus.RESOLVED or before == IncidentStatus.RESOLVED:
        return
    incident = uow.incidents.get(incident_id)
    if incident is None:
        return
    queue_event(
        uow,
        "incident.resolved",
        incident,
        {"status": after, "previous_status": before},
        now=now,
        once=f"{incident.milestones.resolved_at or now}",
    )
    draft_if_owed(uow, incident_id, now)


def draft_if_owed(uow: UnitOfWork, incident_id: int, now: dt.datetime) -> bool:
    """Draft the incident's postmortem when the policy owes one and there is none yet."""
    incident = uow.incidents.get(incident_id)
    if incident is None or not incident.policy.owed:
        return False
    if uow.postmortems.for_incident(incident_id) is not None:
        return False
    events = with_chat_names(uow, list(uow.events.for_incident(incident_id)))
    drafted = draft(build_timeline(events)).document
    if incident.policy.decision == "lightweight":
        drafted = lightweight(drafted, events)
    new_postmortem_in(uow, incident_id, render(drafted), author=AUTHOR, now=now)
    uow.audit.add(
        at=now,
        actor=AUTHOR,
        action="postmortem.auto_draft",
        incident_id=incident_id,
        detail={
            "decision": incident.policy.decision,
            "trigger": incident.policy.trigger,
            "why": incident.policy.why,
        },
    )
    return True
