"""PagerDuty: webhooks v3 (one event per delivery) and REST `log_entries` of an incident.

Webhooks are keyed by the event id, which re-deliveries repeat. The REST log of the same
incident records the same facts under other ids, so both paths also carry a `fact` identity —
incident, action and the second it happened — and the builder keeps one copy. The webhook
copy has millisecond times and wins (`fidelity`); the log contributes what webhooks never
send, such as notifications.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from hindsight.core.events import Actor, Event, EventKind
from hindsight.sources.base import SourceError, subject_keys
from hindsight.sources.reading import (
    arr,
    instant,
    listed,
    load_json,
    obj,
    opt_obj,
    opt_text,
    pointer,
    req,
    text,
)
from hindsight.sources.webhook import (
    Delivery,
    Refusal,
    Secrets,
    Webhook,
    mac,
    matches_any,
    mismatch,
    missing,
)

SIGNATURE = "X-PagerDuty-Signature"


def verify(delivery: Delivery, secrets: Secrets) -> None:
    """`X-PagerDuty-Signature: v1=hex(HMAC(secret, body)),v1=…`: one entry per secret active
    at PagerDuty, any of which may match any of ours (rotation on either side)."""
    given = delivery.headers.get(SIGNATURE.lower())
    if not given:
        raise missing(SIGNATURE, delivery.source)
    entries = [part.strip() for part in given.split(",") if part.strip().startswith("v1=")]
    if not entries:
        raise Refusal(
            401,
            "X-PagerDuty-Signature has no v1= entry",
            fix="send the signature header exactly as PagerDuty does",
        )
    if not matches_any(["v1=" + mac(secret, delivery.body) for secret in secrets.values], entries):
        raise mismatch(SIGNATURE, delivery.source)


_WEBHOOK_TYPE = re.compile(r"(incident|service)(\.[a-z_]+)+")

# webhook event_type → (kind, action shared with the REST log for cross-path matching)
WEBHOOK_TYPES: dict[str, tuple[EventKind, str]] = {
    "incident.triggered": (EventKind.PAGE_TRIGGERED, "trigger"),
    "incident.acknowledged": (EventKind.ACKNOWLEDGED, "acknowledge"),
    "incident.unacknowledged": (EventKind.STATUS_CHANGE, "unacknowledge"),
    "incident.escalated": (EventKind.ESCALATED, "escalate"),
    "incident.reassigned": (EventKind.ESCALATED, "assign"),
    "incident.delegated": (EventKind.ESCALATED, "delegate"),
    "incident.resolved": (EventKind.RESOLVED, "resolve"),
    "incident.reopened": (EventKind.STATUS_CHANGE, "reopen"),
    "incident.priority_updated": (EventKind.PRIORITY_CHANGED, "priority"),
    "incident.annotated": (EventKind.NOTE, "annotate"),
    "incident.responder.added": (EventKind.RESPONDER_ADDED, "responder"),
    "incident.responder.replied": (EventKind.NOTE, "responder-reply"),
    "incident.status_update_published": (EventKind.STATUS_CHANGE, "status-update"),
}

LOG_TYPES: dict[str, tuple[EventKind, str]] = {
    "trigger_log_entry": (EventKind.PAGE_TRIGGERED, "trigger"),
    "notify_log_entry": (EventKind.NOTIFICATION_SENT, "notify"),
    "acknowledge_log_entry": (EventKind.ACKNOWLEDGED, "acknowledge"),
    "acknowledgement_log_entry": (EventKind.ACKNOWLEDGED, "acknowledge"),  # schema's spelling
    "unacknowledge_log_entry": (EventKind.STATUS_CHANGE, "unacknowledge"),
    "escalate_log_entry": (EventKind.ESCALATED, "escalate"),
    "assign_log_entry": (EventKind.ESCALATED, "assign"),
    "delegate_log_entry": (EventKind.ESCALATED, "delegate"),
    "annotate_log_entry": (EventKind.NOTE, "annotate"),
    "snooze_log_entry": (EventKind.STATUS_CHANGE, "snooze"),
    "resolve_log_entry": (EventKind.RESOLVED, "resolve"),
    "urgency_change_log_entry": (EventKind.PRIORITY_CHANGED, "urgency"),
}

_VERBS = {
    "trigger": "Incident {n} triggered: {title}",
    "acknowledge": "Incident {n} acknowledged",
    "unacknowledge": "Incident {n} unacknowledged",
    "escalate": "Incident {n} escalated",
    "assign": "Incident {n} reassigned",
    "delegate": "Incident {n} delegated",
    "resolve": "Incident {n} resolved",
    "reopen": "Incident {n} reopened",
    "priority": "Incident {n} priority changed",
    "annotate": "Note on incident {n}",
    "responder": "Responder requested on incident {n}",
    "responder-reply": "Responder replied on incident {n}",
    "status-update": "Status update on incident {n}",
}


def _fact(incident: str, action: str, at: dt.datetime) -> str:
    # The REST log has whole seconds; webhooks have milliseconds of the same instant.
    return f"pagerduty:{incident}:{action}:{at.replace(microsecond=0).isoformat()}"


def _actor(ref: dict[str, Any]) -> Actor | None:
    summary = ref.get("summary")
    if not isinstance(summary, str) or not summary or summary.isspace():
        return None
    kind = str(ref.get("type", ""))
    return Actor(summary, is_bot=not kind.startswith("user"))


def _service(data: dict[str, Any]) -> tuple[str, ...]:
    service = data.get("service")
    if isinstance(service, dict) and isinstance(service.get("summary"), str) and service["summary"]:
        return (service["summary"],)
    return ()


def parse_webhook(name: str, payload: dict[str, Any]) -> Event:
    event = obj(req(payload, "event", name, ""), name, "event")
    event_id = text(event, "id", name, "event")
    event_type = text(event, "event_type", name, "event")
    if not _WEBHOOK_TYPE.fullmatch(event_type):
        raise SourceError(
            f"{event_type!r} is not a PagerDuty v3 event type (incident.* or service.*)",
            where=name,
            field="event.event_type",
        )
    at = instant(req(event, "occurred_at", name, "event"), name, "event.occurred_at")
    data = obj(req(event, "data", name, "event"), name, "event.data")
    agent = opt_obj(event, "agent", name, "event")
    kind, action = WEBHOOK_TYPES.get(event_type, (EventKind.OTHER, event_type))
    if data.get("type") == "incident":
        incident = data
    else:  # notes, responders and status updates carry the incident as a reference
        incident = opt_obj(data, "incident", name, "event.data")
    incident_id = opt_text(incident, "id", name, "event.data.incident")
    number = incident.get("number")
    # References to an incident carry no number; its id is the next best name.
    label = f"#{number}" if number is not None else (incident_id or "?")
    title = opt_text(incident, "title", name, "event.data") or ""
    words = _VERBS.get(action, "PagerDuty {t} on incident {n}").format(
        n=label, title=title, t=event_type
    )
    detail = _webhook_detail(event_type, data, name)
    return Event(
        at=at,
        source="pagerduty",
        kind=kind,
        key=f"pagerduty:event:{event_id}",
        text=words + (f": {detail}" if detail else ""),
        actor=_actor(agent),
        services=_service(incident),
        link=opt_text(incident, "html_url", name, "event.data"),
        raw=pointer(name, "event"),
        subject=f"pagerduty:{incident_id}" if incident_id else None,
        fact=_fact(incident_id, action, at) if incident_id else None,
        fidelity=2,
    )


def _webhook_detail(event_type: str, data: dict[str, Any], name: str) -> str:
    if event_type == "incident.annotated":
        return opt_text(data, "content", name, "event.data") or ""
    if event_type == "incident.priority_updated":
        priority = opt_obj(data, "priority", name, "event.data")
        return opt_text(priority, "summary", name, "event.data.priority") or "none"
    if event_type.startswith("incident.responder."):
        user = opt_obj(data, "user", name, "event.data")
        message = opt_text(data, "message", name, "event.data")
        who = opt_text(user, "summary", name, "event.data.user") or "a responder"
        return who + (f" ({message})" if message else "")
    if event_type in ("incident.reassigned", "incident.escalated"):
        people = [a.get("summary") for a in listed(data.get("assignees")) if isinstance(a, dict)]
        return ", ".join(p for p in people if isinstance(p, str))
    return ""


def parse_log_entries(name: str, payload: dict[str, Any]) -> tuple[Event, ...]:
    entries = arr(payload["log_entries"], name, "log_entries")
    events: list[Event] = []
    for i, item in enumerate(entries):
        path = f"log_entries[{i}]"
        entry = obj(item, name, path)
        entry_id = text(entry, "id", name, path)
        entry_type = text(entry, "type", name, path)
        if not entry_type.endswith("_log_entry"):
            raise SourceError(
                f"{entry_type!r} is not a log entry type (…_log_entry)",
                where=name,
                field=f"{path}.type",
            )
        at = instant(req(entry, "created_at", name, path), name, f"{path}.created_at")
        kind, action = LOG_TYPES.get(entry_type, (EventKind.OTHER, entry_type))
        incident = opt_obj(entry, "incident", name, path)
        incident_id = opt_text(incident, "id", name, f"{path}.incident")
        summary = opt_text(entry, "summary", name, path) or entry_type
        note = entry.get("note")
        if kind is EventKind.NOTE and isinstance(note, dict) and note.get("content"):
            summary = f"{summary}: {note['content']}"
        channel = opt_obj(entry, "channel", name, path)
        subject = f"pagerduty:{incident_id}" if incident_id else None
        user = opt_obj(entry, "user", name, path)
        if kind is EventKind.NOTIFICATION_SENT and subject and user.get("id"):
            subject += f":notify:{user['id']}"  # a storm of notifications is per person
        if entry_type == "annotate_log_entry" and isinstance(channel.get("summary"), str):
            summary = f"{summary}: {channel['summary']}"
        events.append(
            Event(
                at=at,
                source="pagerduty",
                kind=kind,
                key=f"pagerduty:log:{entry_id}",
                text=summary,
                actor=_actor(opt_obj(entry, "agent", name, path)),
                services=_service(entry),
                link=opt_text(entry, "html_url", name, path)
                or opt_text(incident, "html_url", name, f"{path}.incident"),
                raw=pointer(name, "log_entries", i),
                subject=subject,
                fact=_fact(incident_id, action, at) if incident_id else None,
                fidelity=1,
            )
        )
    return tuple(events)


class PagerDutySource:
    name = "pagerduty"
    webhook = Webhook(
        summary="PagerDuty v3 webhook (X-PagerDuty-Signature, any v1= entry)",
        verify=verify,
        id_headers=("x-webhook-id", "x-request-id"),  # repeated on every retry
    )

    def detect(self, name: str, data: bytes) -> bool:
        return b'"log_entries"' in data or (b'"event_type"' in data and b'"occurred_at"' in data)

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        payload = obj(load_json(name, data), name, "")
        if "log_entries" in payload:
            return parse_log_entries(name, payload)
        if "event" in payload:
            return (parse_webhook(name, payload),)
        raise SourceError(
            "neither a webhook v3 body (`event`) nor a REST response (`log_entries`)",
            where=name,
            field="event",
        )

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        return subject_keys(events)  # the PagerDuty incident id
