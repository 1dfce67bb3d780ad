"""One piece of evidence: something that happened at an instant, said by one source.

Every adapter in `hindsight.sources` turns its payloads into `Event` values; the timeline is
built from nothing else. An event is identified by `key`, taken from the source's own identity
(an Alertmanager fingerprint + startsAt + status, a PagerDuty event id, a Slack channel + ts),
so importing the same payload twice yields the same keys. `fact` is a second, cross-path
identity for when the same fact reaches us by two routes with different keys (a PagerDuty
webhook and the REST log entry of the same acknowledgement); `fidelity` says which copy wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

UTC = dt.UTC

# The longest text each field of an event may hold, and a correlation key: what the store's
# columns are sized by, and what the sources refuse beyond (one home for both).
FIELD_LIMITS: dict[str, int] = {"key": 500, "source": 40, "actor": 200, "subject": 500, "fact": 500}
KEY_LIMIT = 500


class EventKind(StrEnum):
    CHANGE = "change"  # a commit, merge or config change reaching a branch
    DEPLOY = "deploy"  # a deployment started, progressed, succeeded or failed
    CONDITION = "condition"  # a latent condition became real: a threshold crossed, a pool full
    ALERT_FIRING = "alert-firing"
    ALERT_RESOLVED = "alert-resolved"
    PAGE_TRIGGERED = "page-triggered"
    NOTIFICATION_SENT = "notification-sent"
    ESCALATED = "escalated"
    ACKNOWLEDGED = "acknowledged"
    RESPONDER_ADDED = "responder-added"
    PRIORITY_CHANGED = "priority-changed"
    NOTE = "note"
    CHAT_MESSAGE = "chat-message"
    STATUS_CHANGE = "status-change"
    MITIGATION = "mitigation"
    RESOLVED = "resolved"
    OTHER = "other"  # a valid event of a type we do not model: kept, never dropped


# Same-instant tie-break: causes before the alerts they trigger, alerts before pages, and so on
# down the response. Keeps the merged order meaningful when sources agree to the second.
KIND_ORDER: Mapping[EventKind, int] = {kind: rank for rank, kind in enumerate(EventKind)}

CAUSE_KINDS = frozenset({EventKind.CHANGE, EventKind.DEPLOY, EventKind.CONDITION})


@dataclass(frozen=True)
class Actor:
    """Who did it: a person's display name or a role, and whether it is a bot."""

    name: str
    is_bot: bool = False

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("an actor needs a name")


# `Event` is built once per line of exports with millions of lines and held by the million in
# a storm's timeline, so it has slots (half the memory of an instance dict) and a hand-written
# constructor taking its fields positionally (the generated one, with `__post_init__`, cost
# more than parsing the JSON line). The dataclass still gives equality, hashing, `repr`,
# pickling, `dataclasses.replace` and refusing assignment.
@dataclass(frozen=True, init=False, slots=True)
class Event:
    at: dt.datetime  # aware, UTC, with the source's sub-second precision (to the microsecond)
    source: str  # adapter name: "alertmanager", "pagerduty", "slack", ...
    kind: EventKind
    key: str  # de-duplication key from the source's own identity
    text: str
    actor: Actor | None = None
    services: tuple[str, ...] = ()
    link: str | None = None  # evidence link: the alert, the incident, the deployment
    raw: str | None = None  # where the payload is: "<file>#<json pointer>"
    refs: tuple[str, ...] = ()  # keys of related events (thread parent, rolled-back deploy)
    subject: str | None = None  # what the event is about (an alert, an incident): storm grouping
    fact: str | None = None  # cross-path identity of the same fact, when there is one
    fidelity: int = 0  # higher = more complete copy of the same fact; wins on de-duplication
    order: tuple[Any, ...] = field(init=False, repr=False, compare=False, hash=False)

    def __init__(
        self,
        at: dt.datetime,
        source: str,
        kind: EventKind,
        key: str,
        text: str,
        actor: Actor | None = None,
        services: tuple[str, ...] = (),
        link: str | None = None,
        raw: str | None = None,
        refs: tuple[str, ...] = (),
        subject: str | None = None,
        fact: str | None = None,
        fidelity: int = 0,
    ) -> None:
        if at.tzinfo is not UTC:
            raise ValueError(f"event time {at!r} must be in UTC (tzinfo=datetime.UTC)")
        rank = KIND_ORDER.get(kind) if isinstance(kind, EventKind) else None
        if rank is None:
            raise ValueError(f"unknown event kind {kind!r}")
        if not source or source.isspace():
            raise ValueError("an event needs a source")
        if not key:
            raise ValueError("an event needs a de-duplication key")
        if isinstance(services, str) or isinstance(refs, str):
            raise ValueError("services and refs are tuples of strings, not strings")
        if "" in services:
            raise ValueError("service names must not be empty")
        put = object.__setattr__  # what a frozen class's own assignment refuses
        put(self, "at", at)
        put(self, "source", source)
        put(self, "kind", kind)
        put(self, "key", key)
        put(self, "text", text)
        put(self, "actor", actor)
        put(self, "services", services)
        put(self, "link", link)
        put(self, "raw", raw)
        put(self, "refs", refs)
        put(self, "subject", subject)
        put(self, "fact", fact)
        put(self, "fidelity", fidelity)
        # Precomputed: the timeline sorts millions of these, and a cached tuple is the
        # difference between a fast sort and a slow one.
        put(self, "order", (at, rank, source, key))

    @property
    def is_cause(self) -> bool:
        return self.kind in CAUSE_KINDS

    def rank(self) -> tuple[Any, ...]:
        """A total order over every field, so a choice between duplicates never depends on
        the order the duplicates arrived in."""
        actor = (self.actor.name, self.actor.is_bot) if self.actor else ("", False)
        return (
            -self.fidelity,
            self.order,
            self.text,
            actor,
            self.services,
            self.link or "",
            self.raw or "",
            self.refs,
            self.subject or "",
            self.fact or "",
        )


def to_dict(event: Event) -> dict[str, Any]:
    """The JSON shape of an event (stable field order; times as RFC 3339 UTC)."""
    return {
        "at": format_instant(event.at),
        "source": event.source,
        "kind": event.kind.value,
        "key": event.key,
        "text": event.text,
        "actor": (
            None
            if event.actor is None
            else {"name": event.actor.name, "is_bot": event.actor.is_bot}
        ),
        "services": list(event.services),
        "link": event.link,
        "raw": event.raw,
        "refs": list(event.refs),
        "subject": event.subject,
        "fact": event.fact,
        "fidelity": event.fidelity,
    }


def from_dict(data: Mapping[str, Any]) -> Event:
    """The inverse of `to_dict`; raises `ValueError`/`KeyError` on a malformed mapping."""
    actor = data.get("actor")
    return Event(
        at=parse_instant(str(data["at"])),
        source=str(data["source"]),
        kind=EventKind(data["kind"]),
        key=str(data["key"]),
        text=str(data["text"]),
        actor=None if actor is None else Actor(str(actor["name"]), bool(actor["is_bot"])),
        services=tuple(str(s) for s in data.get("services", ())),
        link=data.get("link"),
        raw=data.get("raw"),
        refs=tuple(str(r) for r in data.get("refs", ())),
        subject=data.get("subject"),
        fact=data.get("fact"),
        fidelity=int(data.get("fidelity", 0)),
    )


def format_instant(at: dt.datetime) -> str:
    """RFC 3339 in UTC with `Z`; the fraction only when there is one."""
    text = at.astimezone(UTC).replace(tzinfo=None).isoformat()
    return text + "Z"


def parse_instant(text: str) -> dt.datetime:
    """Read back what `format_instant` wrote (an aware ISO time), as UTC."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"time {text!r} has no zone")
    return value.astimezone(UTC)
