"""Opsgenie outgoing webhook ("Opsgenie → Webhook" integration).

One event per delivery. Opsgenie sends no event id, so the key is the alert, the action and
the alert's `updatedAt` (Unix nanoseconds, read as an integer: it exceeds 2**53); a
re-delivery repeats all three. `createdAt` is in milliseconds and dates the `Create` action.
Custom and unlisted actions are kept as generic events.
"""

from __future__ import annotations

from collections.abc import Sequence

from hindsight.core.events import Actor, Event, EventKind
from hindsight.sources.base import SourceError, subject_keys
from hindsight.sources.reading import epoch, load_json, obj, opt_obj, opt_text, pointer, req, text
from hindsight.sources.webhook import Webhook, token

ACTIONS: dict[str, EventKind] = {
    "Create": EventKind.PAGE_TRIGGERED,
    "Acknowledge": EventKind.ACKNOWLEDGED,
    "UnAcknowledge": EventKind.STATUS_CHANGE,
    "AddNote": EventKind.NOTE,
    "Close": EventKind.RESOLVED,
    "Delete": EventKind.STATUS_CHANGE,
    "Escalate": EventKind.ESCALATED,
    "EscalateNext": EventKind.ESCALATED,
    "AssignOwnership": EventKind.ESCALATED,
    "TakeOwnership": EventKind.RESPONDER_ADDED,
    "AddResponder": EventKind.RESPONDER_ADDED,
    "AddTeam": EventKind.RESPONDER_ADDED,
    "UpdatePriority": EventKind.PRIORITY_CHANGED,
}

_SYSTEM_USERS = ("System", "Alert API", "Opsgenie")


class OpsgenieSource:
    name = "opsgenie"
    # No signature: the integration's custom header carries a shared token.
    webhook = Webhook(
        summary="Opsgenie outgoing webhook (X-Incident-Token)", verify=token("X-Incident-Token")
    )

    def detect(self, name: str, data: bytes) -> bool:
        return b'"alertId"' in data and b'"action"' in data

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        payload = obj(load_json(name, data), name, "")
        action = text(payload, "action", name, "")
        alert = obj(req(payload, "alert", name, ""), name, "alert")
        alert_id = text(alert, "alertId", name, "alert")
        message = text(alert, "message", name, "alert")
        created = epoch(req(alert, "createdAt", name, "alert"), name, "alert.createdAt", unit="ms")
        updated_raw = alert.get("updatedAt")
        if action != "Create" and updated_raw is None:
            raise SourceError("required to date this action", where=name, field="alert.updatedAt")
        at = (
            created
            if action == "Create"
            else epoch(updated_raw, name, "alert.updatedAt", unit="ns")
        )
        stamp = alert["createdAt"] if action == "Create" else updated_raw  # as sent: exact
        kind = ACTIONS.get(action, EventKind.OTHER)
        tiny = opt_text(alert, "tinyId", name, "alert") or alert_id[:8]
        username = opt_text(alert, "username", name, "alert")
        actor = (
            Actor(username, is_bot=username in _SYSTEM_USERS or "@" not in username)
            if username and not username.isspace()
            else None
        )
        entity = opt_text(alert, "entity", name, "alert")
        words = {
            EventKind.PAGE_TRIGGERED: f"Opsgenie alert #{tiny} created: {message}",
            EventKind.ACKNOWLEDGED: f"Opsgenie alert #{tiny} acknowledged",
            EventKind.RESOLVED: f"Opsgenie alert #{tiny} closed",
            EventKind.NOTE: f"Note on Opsgenie alert #{tiny}",
        }.get(kind, f"Opsgenie alert #{tiny}: {action}")
        note = opt_text(alert, "note", name, "alert")
        if note:
            words += f": {note}"
        source_info = opt_obj(payload, "source", name, "")
        sender = str(source_info.get("name") or "")
        return (
            Event(
                at=at,
                source=self.name,
                kind=kind,
                key=f"opsgenie:{alert_id}:{action}:{stamp}",
                text=words,
                actor=actor or (Actor(sender, is_bot=True) if sender.strip() else None),
                services=(entity,) if entity else (),
                raw=pointer(name),
                subject=f"opsgenie:{alert_id}",
            ),
        )

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        return subject_keys(events)  # the alert id: every action on one alert
