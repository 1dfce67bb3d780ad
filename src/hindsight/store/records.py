"""What the store keeps, as frozen values (no SQLAlchemy here; `mapping` converts rows).

Events come back as the core's own `Event`; postmortems keep their Markdown, which the core
parses. The milestones and durations are the core's own values (`core.figures`): instants
and seconds in the incident's columns. Its status, severity and the trigger table's decision are
the core's (`core.incident`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from hindsight.core.document.template import SEVERITIES
from hindsight.core.figures import Durations, Instant, Milestones
from hindsight.core.incident import (
    INCIDENT_STATUSES,
    IncidentFacts,
    PolicyDecision,
    PostmortemState,
)

__all__ = [  # the core's milestones and durations, mapped by `mapping`
    "INCIDENT_STATUSES",
    "Durations",
    "Instant",
    "Milestones",
]

NOT_DECIDED = PolicyDecision("not_required", "", "")


@dataclass(frozen=True)
class Incident:
    id: int
    slug: str
    title: str
    severity: str | None
    status: str
    services: tuple[str, ...]
    customer_visible: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    milestones: Milestones[Instant] = field(default_factory=Milestones)
    durations: Durations = field(default_factory=Durations)
    opened_at: dt.datetime | None = None  # its first evidence (None until it has some)
    policy: PolicyDecision = NOT_DECIDED
    alert_identity: str | None = None  # the alarm that opened it (core.incident.alarm_facts)
    alert_names: tuple[str, ...] = ()
    alert_labels: tuple[str, ...] = ()  # the labels its alerts carried, as "key=value"
    automated_mitigation: bool = False
    slack_channel: str | None = None

    @property
    def opened(self) -> dt.datetime:
        """When it began: its first evidence, else when it was recorded."""
        return self.opened_at or self.created_at

    @property
    def facts(self) -> IncidentFacts:
        """What the trigger table reads (core.incident.postmortem_policy)."""
        impact = self.durations.impact_s
        return IncidentFacts(
            severity=self.severity,
            customer_visible=self.customer_visible,
            impact_minutes=impact / 60 if impact is not None else None,
            paged=self.milestones.paged_at is not None,
            alert_names=self.alert_names,
            alert_labels=self.alert_labels,
            caught_by_automation=self.automated_mitigation,
            alert_identity=self.alert_identity,
            opened_at=self.opened,
            resolved_minutes=self.resolved_minutes,
            services=self.services,
        )

    @property
    def resolved_minutes(self) -> float | None:
        """Opened → resolved, while it stays resolved (None otherwise)."""
        resolved = self.milestones.resolved_at
        if resolved is None or self.status not in ("resolved", "closed"):
            return None
        return max(0.0, (resolved - self.opened).total_seconds() / 60)


@dataclass(frozen=True)
class NewIncident:
    """An incident before it has an id."""

    slug: str
    title: str
    severity: str | None = None
    status: str = "open"
    services: tuple[str, ...] = ()
    customer_visible: bool = False
    opened_at: dt.datetime | None = None  # its first evidence, when evidence opens it

    def __post_init__(self) -> None:
        if not self.title.strip():
            raise ValueError("an incident needs a title")
        if self.severity is not None and self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")
        if self.status not in INCIDENT_STATUSES:
            raise ValueError(f"unknown status {self.status!r}")


@dataclass(frozen=True)
class Postmortem:
    id: int
    incident_id: int
    version: int
    markdown: str
    title: str | None
    status: str | None
    severity: str | None
    incident_date: str | None
    fields: dict[str, str] = field(hash=False)
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    state: PostmortemState | None = None  # what its Status line names (core.incident)
    review_version: int | None = None  # the version that entered review (services.workflow)
    approvals: tuple[Approval, ...] = ()


@dataclass(frozen=True)
class Approval:
    """A reviewer's approval of one version of a postmortem."""

    by: str
    version: int
    at: dt.datetime


@dataclass(frozen=True)
class Revision:
    """One saved version of a postmortem: who, when, what changed, and the text itself."""

    postmortem_id: int
    version: int
    author: str
    created_at: dt.datetime
    markdown: str
    diff: str
    changes: tuple[str, ...]


@dataclass(frozen=True)
class StoredActionItem:
    """An action item as a record: what the postmortem's row says (action, owner, type, due,
    priority, tracking) and what lives only here (status and its reason, the tracker's issue,
    when it was created, changed and closed). `incident` is the incident's slug."""

    postmortem_id: int
    incident_id: int
    position: int
    action: str
    owner: str | None = None
    type: str | None = None
    due: str | None = None
    tracking: str | None = None
    priority: str | None = None
    status: str = "open"
    status_reason: str | None = None
    tracker_provider: str | None = None
    tracker_key: str | None = None
    tracker_url: str | None = None
    id: int = 0
    incident: str = ""
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    @property
    def done(self) -> bool:
        return self.status == "done"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: dt.datetime
    actor: str
    action: str
    incident_id: int | None
    detail: dict[str, Any] = field(hash=False)


@dataclass(frozen=True)
class Payload:
    id: int
    digest: str
    source: str
    name: str
    body: bytes
    incident_id: int
    received_at: dt.datetime


@dataclass(frozen=True)
class ApiToken:
    """An API token as stored: its name and role, never the token itself."""

    id: int
    name: str
    role: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None = None
