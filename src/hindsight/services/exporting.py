"""One incident out of the store: its postmortem as Markdown, or everything as JSON."""

from __future__ import annotations

from typing import Any

from hindsight.core.events import format_instant
from hindsight.core.events import to_dict as event_to_dict
from hindsight.core.policy import PolicyDecision
from hindsight.services.incidents import find_incident
from hindsight.services.postmortems import template_for
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork

SCHEMA = "hindsight.incident/1"


def export_markdown(uow: UnitOfWork, ref: int | str) -> str:
    """The current postmortem, or the filled-in template when none has been started."""
    with uow:
        incident = find_incident(uow, ref)
        postmortem = uow.postmortems.for_incident(incident.id)
        return postmortem.markdown if postmortem else template_for(incident)


def export_all_markdown(uow: UnitOfWork, *, page: int = 500) -> list[tuple[str, str]]:
    """(incident slug, postmortem Markdown) for every incident that has a postmortem, oldest
    first: what `hindsight export --all --format md` writes as `<slug>.md` files."""
    out: list[tuple[str, str]] = []
    with uow:
        offset = 0
        while batch := uow.incidents.recent(limit=page, offset=offset):
            for incident in batch:
                postmortem = uow.postmortems.for_incident(incident.id)
                if postmortem is not None:
                    out.append((incident.slug, postmortem.markdown))
            offset += page
    out.reverse()
    return out


def export_json(uow: UnitOfWork, ref: int | str) -> dict[str, Any]:
    """The incident, its milestones, every event, the postmortem, its history and actions."""
    with uow:
        incident = find_incident(uow, ref)
        postmortem = uow.postmortems.for_incident(incident.id)
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "incident": incident_to_dict(incident),
            "correlation_keys": uow.incidents.keys(incident.id),
            "events": [event_to_dict(e) for e in uow.events.for_incident(incident.id)],
            "postmortem": None,
            "revisions": [],
            "action_items": [],
        }
        if postmortem is not None:
            out["postmortem"] = {
                "version": postmortem.version,
                "title": postmortem.title,
                "status": postmortem.status,
                "severity": postmortem.severity,
                "incident_date": postmortem.incident_date,
                "fields": postmortem.fields,
                "updated_at": format_instant(postmortem.updated_at),
                "updated_by": postmortem.updated_by,
                "markdown": postmortem.markdown,
            }
            out["revisions"] = [
                {
                    "version": r.version,
                    "author": r.author,
                    "at": format_instant(r.created_at),
                    "changes": list(r.changes),
                    "diff": r.diff,
                }
                for r in uow.postmortems.revisions(postmortem.id)
            ]
            out["action_items"] = [
                {
                    "position": a.position,
                    "action": a.action,
                    "owner": a.owner,
                    "type": a.type,
                    "due": a.due,
                    "tracking": a.tracking,
                    "done": a.done,
                }
                for a in uow.postmortems.action_items(incident_id=incident.id)
            ]
    return out


def incident_to_dict(incident: Incident) -> dict[str, Any]:
    m = incident.milestones
    d = incident.durations

    def when(value: Any) -> str | None:
        return format_instant(value) if value is not None else None

    return {
        "id": incident.id,
        "slug": incident.slug,
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "services": list(incident.services),
        "customer_visible": incident.customer_visible,
        "slack_channel": incident.slack_channel,
        "policy": policy_to_dict(incident.policy),
        "created_at": when(incident.created_at),
        "updated_at": when(incident.updated_at),
        "milestones": {
            "suspected_cause": when(m.cause_at),
            "suspected_cause_reasoning": m.cause_candidate,
            "first_detection": when(m.detected_at),
            "first_page": when(m.paged_at),
            "acknowledged": when(m.acknowledged_at),
            "mitigated": when(m.mitigated_at),
            "resolved": when(m.resolved_at),
        },
        "durations_s": {
            "detection_gap": d.detection_gap_s,
            "detection_to_ack": d.time_to_acknowledge_s,
            "detection_to_mitigation": d.time_to_mitigate_s,
            "detection_to_resolution": d.time_to_resolve_s,
            "impact_window": d.impact_s,
        },
    }


def policy_to_dict(policy: PolicyDecision) -> dict[str, Any]:
    """The trigger table's decision: decision, trigger (the rule's name), why (one sentence),
    and what a fix_the_monitor decision proposes instead of a postmortem."""
    out: dict[str, Any] = {
        "decision": policy.decision,
        "trigger": policy.trigger,
        "why": policy.why,
    }
    if policy.proposal is not None:
        out["proposed_action"] = {
            "action": policy.proposal.action,
            "owner": policy.proposal.owner,
        }
    return out


__all__ = ["export_json", "export_markdown", "incident_to_dict", "policy_to_dict"]
