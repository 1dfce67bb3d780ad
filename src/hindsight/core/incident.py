"""The incident and its postmortem as the domain knows them: states, transitions, severity, and
what the evidence says about them.

One home for these facts: the store keeps what is decided here, the services apply it, and the
API, web and CLI show it. Nothing here does I/O.

- An incident's status is `open → mitigated → resolved → closed`, and any of the first three can
  be reopened. While it is not closed its status follows its evidence (`status_from_evidence`):
  every alarm resolved, or the page that started the response resolved, means resolved; a
  mitigation without a resolution means mitigated; a new firing reopens it. Closing is a
  person's decision and evidence never undoes it.
- Its opened time is its first evidence, not the moment Hindsight heard of it.
- Its severity comes from the evidence or from a person, never from a template placeholder
  (`severity_of`).
- A postmortem is `Draft → In review → Published`; `In review → Draft`; `Published → Draft` only
  with a reason (`check_postmortem_transition`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from hindsight.core.document.template import SEVERITIES, is_placeholder
from hindsight.core.errors import UserError
from hindsight.core.events import Event, EventKind
from hindsight.core.policy import (
    DEFAULT_POLICY,
    IncidentFacts,
    Policy,
    PolicyDecision,
    ProposedAction,
    Repeat,
    postmortem_policy,
)


def alarm_name(event: Event) -> str:
    """What an alert or page is called: "HighErrorRate", "Incident #4821", "Opsgenie alert #312"."""
    text = " ".join(event.text.split())
    for marker in (" (", " firing", " triggered", " created", ":"):
        index = text.find(marker)
        if index > 0:
            text = text[:index]
    return text.strip() or event.kind.value


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def incident_title(alarm: Event, services: Sequence[str]) -> str:
    """A title a person would give the incident an alarm opened: its service and symptom,
    "checkout-api: high error rate" for Alertmanager's "HighErrorRate (page) firing: …".
    An alert named in words ("Incident #4821") keeps its words."""
    name = alarm_name(alarm)
    symptom = _CAMEL.sub(" ", name).lower() if re.fullmatch(r"[A-Za-z0-9]+", name) else name
    service = services[0] if services else (alarm.services[0] if alarm.services else None)
    return f"{service}: {symptom}" if service else symptom


class IncidentStatus(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"
    CLOSED = "closed"


INCIDENT_STATUSES: tuple[str, ...] = tuple(s.value for s in IncidentStatus)
# Still taking evidence: the statuses a new alert can join (a resolved incident only within the
# correlation window, which the correlation service applies).
ACTIVE_STATUSES: tuple[str, ...] = (IncidentStatus.OPEN.value, IncidentStatus.MITIGATED.value)
CORRELATABLE_STATUSES: tuple[str, ...] = (*ACTIVE_STATUSES, IncidentStatus.RESOLVED.value)

_INCIDENT_MOVES: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    IncidentStatus.OPEN: frozenset(
        {IncidentStatus.MITIGATED, IncidentStatus.RESOLVED, IncidentStatus.CLOSED}
    ),
    IncidentStatus.MITIGATED: frozenset(
        {IncidentStatus.OPEN, IncidentStatus.RESOLVED, IncidentStatus.CLOSED}
    ),
    IncidentStatus.RESOLVED: frozenset({IncidentStatus.OPEN, IncidentStatus.CLOSED}),
    IncidentStatus.CLOSED: frozenset({IncidentStatus.OPEN}),
}


class TransitionError(UserError):
    """A state change the process does not allow; the message says which ones it does."""


def incident_status(value: str) -> IncidentStatus:
    """`value` as a status, or a `UserError` naming the allowed ones."""
    try:
        return IncidentStatus(value.strip().lower())
    except ValueError:
        raise UserError(
            f"unknown incident status {value!r}", fix=f"use one of {', '.join(INCIDENT_STATUSES)}"
        ) from None


def check_incident_transition(current: str, target: str) -> IncidentStatus:
    """The target status when `current → target` is allowed (staying put is)."""
    now, to = incident_status(current), incident_status(target)
    if to is now or to in _INCIDENT_MOVES[now]:
        return to
    allowed = ", ".join(sorted(s.value for s in _INCIDENT_MOVES[now]))
    raise TransitionError(
        f"an incident cannot go from {now.value} to {to.value}",
        fix=f"from {now.value} it can go to: {allowed}",
    )


def check_severity(value: str | None) -> str | None:
    """A severity as stored: one of the template's, or None. A placeholder is no severity."""
    if value is None:
        return None
    text = value.strip()
    if not text or is_placeholder(text):
        return None
    canonical = text.upper().replace(" ", "-")
    if canonical.startswith("SEV") and not canonical.startswith("SEV-"):
        canonical = "SEV-" + canonical[3:]
    if canonical in SEVERITIES:
        return canonical
    raise UserError(f"unknown severity {value!r}", fix=f"use one of {', '.join(SEVERITIES)}")


def severity_of(value: str | None) -> str | None:
    """A severity read from a document or a payload: one of the template's, else None (a
    placeholder such as `SEV-1 / SEV-2 / SEV-3`, or a word the template does not know, is not
    data)."""
    try:
        return check_severity(value)
    except UserError:
        return None


# --- the postmortem's states -------------------------------------------------------------------


class PostmortemState(StrEnum):
    """The template's Status values, as the document writes them."""

    DRAFT = "Draft"
    IN_REVIEW = "In review"
    PUBLISHED = "Published"

    @property
    def slug(self) -> str:
        """The state as a command line or a URL writes it: `draft`, `in-review`, `published`."""
        return self.value.lower().replace(" ", "-")


_POSTMORTEM_MOVES: dict[PostmortemState, frozenset[PostmortemState]] = {
    PostmortemState.DRAFT: frozenset({PostmortemState.IN_REVIEW}),
    PostmortemState.IN_REVIEW: frozenset({PostmortemState.DRAFT, PostmortemState.PUBLISHED}),
    PostmortemState.PUBLISHED: frozenset({PostmortemState.DRAFT}),
}


def postmortem_state(text: str | None) -> PostmortemState | None:
    """The state a Status value names (`published`, `In Review`, `in-review`, `review`, `Draft`),
    or None for an empty value, a placeholder or anything else."""
    if text is None or is_placeholder(text.strip()):
        return None
    word = " ".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    if word.startswith("published"):
        return PostmortemState.PUBLISHED
    if word.startswith("in review") or word in ("review", "reviewing", "under review"):
        return PostmortemState.IN_REVIEW
    if word.startswith("draft"):
        return PostmortemState.DRAFT
    return None


def check_postmortem_transition(
    current: PostmortemState, target: PostmortemState, *, reason: str | None = None
) -> list[str]:
    """Why `current → target` is refused (empty when allowed). Reopening a published postmortem
    needs a reason; the process gate (lint, approval) is the workflow's, on top of this."""
    if target is current:
        return [f"the postmortem is already {current.value}"]
    if target not in _POSTMORTEM_MOVES[current]:
        allowed = " or ".join(s.value for s in sorted(_POSTMORTEM_MOVES[current]))
        return [
            f"a postmortem cannot go from {current.value} to {target.value} (only to {allowed})"
        ]
    if current is PostmortemState.PUBLISHED and not (reason and reason.strip()):
        return ["reopening a published postmortem needs a reason"]
    return []


# --- what the evidence says --------------------------------------------------------------------

_FIRING = frozenset({EventKind.ALERT_FIRING, EventKind.PAGE_TRIGGERED})
_CLEARED = frozenset({EventKind.ALERT_RESOLVED, EventKind.RESOLVED})


def status_from_evidence(events: Iterable[Event]) -> IncidentStatus:
    """What the evidence says the status is: resolved when the page that started the response
    is resolved or every alarm is; mitigated when a mitigation came after the last firing;
    otherwise open. `events` are in time order (a timeline's, or the store's candidates)."""
    state: dict[str, bool] = {}  # alarm identity → still firing
    first_page: str | None = None
    page_cleared = False
    last_firing: dt.datetime | None = None
    mitigated_after: dt.datetime | None = None
    for event in events:
        identity = event.subject or event.key
        if event.kind in _FIRING:
            state[identity] = True
            last_firing = event.at
            if event.kind is EventKind.PAGE_TRIGGERED and first_page is None:
                first_page = identity
            if identity == first_page:
                page_cleared = False
        elif event.kind in _CLEARED:
            if identity in state or (event.kind is EventKind.RESOLVED and first_page is None):
                state[identity] = False
            if identity == first_page:
                page_cleared = True
        elif event.kind is EventKind.MITIGATION:
            mitigated_after = event.at
    if not state:
        return IncidentStatus.OPEN
    if page_cleared or not any(state.values()):
        return IncidentStatus.RESOLVED
    if mitigated_after is not None and (last_firing is None or mitigated_after >= last_firing):
        return IncidentStatus.MITIGATED
    return IncidentStatus.OPEN


def follow_evidence(current: str, evidence: IncidentStatus) -> str:
    """The status an incident takes when its evidence changes: closed stays closed (a person
    closed it); otherwise the evidence decides, which is how a new firing reopens it."""
    if current == IncidentStatus.CLOSED:
        return current
    return evidence.value


def opened_at(events: Iterable[Event]) -> dt.datetime | None:
    """The incident's opened time: its first evidence."""
    return min((e.at for e in events), default=None)


# The trigger table lives in core.policy (configurable rules); these names stay importable here.
__all__ = [
    "ACTIVE_STATUSES",
    "CORRELATABLE_STATUSES",
    "DEFAULT_POLICY",
    "INCIDENT_STATUSES",
    "AlarmFacts",
    "IncidentFacts",
    "IncidentStatus",
    "Policy",
    "PolicyDecision",
    "PostmortemState",
    "ProposedAction",
    "Repeat",
    "TransitionError",
    "alarm_facts",
    "alert_name",
    "check_incident_transition",
    "check_postmortem_transition",
    "check_severity",
    "follow_evidence",
    "incident_status",
    "opened_at",
    "postmortem_policy",
    "postmortem_state",
    "severity_of",
    "status_from_evidence",
]


@dataclass(frozen=True)
class AlarmFacts:
    """What the trigger table reads from an incident's evidence: the alarm that opened it
    (its identity: the flaky-monitor rule counts incidents per identity), the names of the
    alerts and pages that fired, and whether automation mitigated it before any person did."""

    identity: str | None
    names: tuple[str, ...]
    automated_mitigation: bool


def alarm_facts(events: Iterable[Event]) -> AlarmFacts:
    """`events` in time order."""
    identity: str | None = None
    names: dict[str, None] = {}
    automated: bool | None = None  # decided by the first mitigation
    for event in events:
        if event.kind in _FIRING:
            if identity is None:
                identity = event.subject or event.key
            names.setdefault(alert_name(event), None)
        elif event.kind is EventKind.MITIGATION and automated is None:
            automated = event.actor is not None and event.actor.is_bot
    return AlarmFacts(identity, tuple(names), bool(automated))


def alert_name(event: Event) -> str:
    """An alert's name: the middle of a `source:name:services` subject (how the alerting
    sources name their subjects), else its text up to the state word."""
    if event.subject and event.subject.count(":") >= 2:
        return event.subject.split(":")[1]
    head = event.text.split(":")[0]
    for word in (" firing", " triggered", " resolved"):
        head = head.split(word)[0]
    return head.split(" (")[0].strip() or event.key
