"""Explicit row ⇄ value mapping, one pair of functions per table. No ORM, no magic: a column
added to `tables` shows up here or nowhere. Events are written in bulk from plain tuples
(`event_values.stored_values`) and read back here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import RowMapping

from hindsight.core.events import Actor, Event, EventKind
from hindsight.core.figures import Durations, Instant, Milestones
from hindsight.core.incident import PolicyDecision, PostmortemState, ProposedAction
from hindsight.store.records import (
    Approval,
    AuditEntry,
    Incident,
    NewIncident,
    Payload,
    Postmortem,
    Revision,
    StoredActionItem,
)
from hindsight.store.tables import DURATIONS, MILESTONES

Row = RowMapping | Mapping[str, Any]

# Incidents ------------------------------------------------------------------------------------


def new_incident_row(incident: NewIncident) -> dict[str, Any]:
    return {
        "slug": incident.slug,
        "title": incident.title,
        "severity": incident.severity,
        "status": incident.status,
        "services": list(incident.services),
        "customer_visible": incident.customer_visible,
    }


def milestone_row(milestones: Milestones[Instant], durations: Durations) -> dict[str, Any]:
    """The core's milestones and durations as the incident's columns: an instant each (the
    impact start is not kept; its window is, among the durations) and seconds each."""
    row: dict[str, Any] = {name: getattr(milestones, name) for name in MILESTONES}
    row["cause_candidate"] = milestones.cause_candidate
    row.update({name: getattr(durations, name) for name in DURATIONS})
    return row


def milestones_from_row(row: Row) -> Milestones[Instant]:
    def at(name: str) -> Instant | None:
        value = row[name]
        return None if value is None else Instant(value)

    return Milestones(
        cause=at("cause_at"),
        cause_candidate=row["cause_candidate"],
        first_detection=at("detected_at"),
        first_page=at("paged_at"),
        acknowledged=at("acknowledged_at"),
        mitigated=at("mitigated_at"),
        resolved=at("resolved_at"),
    )


def incident_from_row(row: Row) -> Incident:
    return Incident(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        severity=row["severity"],
        status=row["status"],
        services=tuple(row["services"]),
        customer_visible=bool(row["customer_visible"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        milestones=milestones_from_row(row),
        durations=Durations.of_seconds(**{name: row[name] for name in DURATIONS}),
        opened_at=row["opened_at"],
        policy=PolicyDecision(
            row["policy_decision"],
            row["policy_trigger"],
            row["policy_why"],
            _proposal(row.get("policy_proposal")),
        ),
        alert_identity=row.get("alert_identity"),
        alert_names=tuple(row.get("alert_names") or ()),
        alert_labels=tuple(row.get("alert_labels") or ()),
        automated_mitigation=bool(row.get("automated_mitigation")),
        slack_channel=row.get("slack_channel"),
    )


def _proposal(value: Any) -> ProposedAction | None:
    if not isinstance(value, dict):
        return None
    return ProposedAction(str(value.get("action", "")), value.get("owner"))


def policy_row(decision: PolicyDecision) -> dict[str, Any]:
    return {
        "policy_decision": decision.decision,
        "policy_trigger": decision.trigger,
        "policy_why": decision.why,
        "policy_proposal": (
            {"action": decision.proposal.action, "owner": decision.proposal.owner}
            if decision.proposal
            else None
        ),
    }


# Events ---------------------------------------------------------------------------------------


def event_from_row(row: Row) -> Event:
    actor = row["actor"]
    return Event(
        at=row["at"],
        source=row["source"],
        kind=EventKind(row["kind"]),
        key=row["key"],
        text=row["text"],
        actor=None if actor is None else Actor(actor, bool(row["actor_is_bot"])),
        services=tuple(row["services"]),
        link=row["link"],
        raw=row["raw"],
        refs=tuple(row["refs"]),
        subject=row["subject"],
        fact=row["fact"],
        fidelity=row["fidelity"],
    )


# Postmortems ----------------------------------------------------------------------------------


def postmortem_from_row(row: Row) -> Postmortem:
    return Postmortem(
        id=row["id"],
        incident_id=row["incident_id"],
        version=row["version"],
        markdown=row["markdown"],
        title=row["title"],
        status=row["status"],
        severity=row["severity"],
        incident_date=row["incident_date"],
        fields=dict(row["fields"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        state=PostmortemState(row["state"]) if row["state"] else None,
        review_version=row.get("review_version"),
        approvals=tuple(
            Approval(a["by"], int(a["version"]), dt.datetime.fromisoformat(a["at"]))
            for a in row.get("approvals") or ()
        ),
    )


def approvals_value(approvals: tuple[Approval, ...]) -> list[dict[str, Any]]:
    return [{"by": a.by, "version": a.version, "at": a.at.isoformat()} for a in approvals]


def revision_from_row(row: Row) -> Revision:
    return Revision(
        postmortem_id=row["postmortem_id"],
        version=row["version"],
        author=row["author"],
        created_at=row["created_at"],
        markdown=row["markdown"],
        diff=row["diff"],
        changes=tuple(row["changes"]),
    )


ACTION_ITEM_COLUMNS = (
    "postmortem_id",
    "incident_id",
    "position",
    "action",
    "owner",
    "type",
    "due",
    "tracking",
    "priority",
    "status",
    "status_reason",
    "tracker_provider",
    "tracker_key",
    "tracker_url",
    "created_at",
    "updated_at",
    "closed_at",
)


def action_item_row(item: StoredActionItem) -> dict[str, Any]:
    return {name: getattr(item, name) for name in ACTION_ITEM_COLUMNS}


def action_item_from_row(row: Row) -> StoredActionItem:
    values = {name: row[name] for name in ACTION_ITEM_COLUMNS}
    return StoredActionItem(**values, id=row["id"], incident=row.get("incident_slug") or "")


# Audit and payloads ---------------------------------------------------------------------------


def audit_from_row(row: Row) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        incident_id=row["incident_id"],
        detail=dict(row["detail"]),
    )


def payload_from_row(row: Row) -> Payload:
    return Payload(
        id=row["id"],
        digest=row["digest"],
        source=row["source"],
        name=row["name"],
        body=bytes(row["body"]),
        incident_id=row["incident_id"],
        received_at=row["received_at"],
    )
