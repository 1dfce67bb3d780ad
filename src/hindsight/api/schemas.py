"""The API's request and response bodies (Pydantic at the edge; the core stays dataclasses)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from hindsight.core.document.template import SEVERITIES
from hindsight.core.incident import IncidentStatus, severity_of
from hindsight.services import ApiToken, Incident, Postmortem, Revision, StoredActionItem
from hindsight.services.exporting import policy_to_dict


def _severity(value: str) -> str:
    canonical = severity_of(value)
    if canonical is None:
        raise ValueError(f"unknown severity {value!r}: use one of {', '.join(SEVERITIES)}")
    return canonical


def one_of(values: tuple[str, ...], what: str) -> AfterValidator:
    """A check that a string is one of `values` (the tuple is the choice's one home); use it
    with `listed(values)` so the OpenAPI schema names them:
    `Annotated[str, one_of(X, "x"), listed(X)]`."""

    def check(value: str) -> str:
        if value not in values:
            raise ValueError(f"unknown {what} {value!r}: use one of {', '.join(values)}")
        return value

    return AfterValidator(check)


def listed(values: tuple[str, ...]) -> Any:
    return Field(json_schema_extra={"enum": list(values)})


# The core's values, not a copy: one home for severities and statuses.
Severity = Annotated[str, AfterValidator(_severity), listed(SEVERITIES)]
Status = IncidentStatus


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        # What no backend can store alike (PostgreSQL refuses NUL, and neither stores text
        # that is not Unicode) is a 422 here, on every backend, not a failure in the store.
        reason = unstorable(value)
        if reason is not None:
            raise ValueError(reason)
        return value


def unstorable(value: Any) -> str | None:
    """Why a request value (a string, or one in a list or dict) cannot be stored, or None."""
    if isinstance(value, str):
        if "\x00" in value:
            return "text may not contain the NUL character (\\u0000)"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "text may not contain a lone surrogate (\\ud800-\\udfff): it is not Unicode"
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, (list, tuple)):
        return next((r for r in map(unstorable, value) if r is not None), None)
    return None


class IncidentIn(Strict):
    title: str = Field(min_length=1, max_length=300, pattern=r"\S")
    severity: Severity | None = None
    services: list[str] = Field(default_factory=list, max_length=50)
    customer_visible: bool = False


class IncidentPatch(Strict):
    title: str | None = Field(default=None, min_length=1, max_length=300, pattern=r"\S")
    severity: Severity | None = None
    status: Status | None = None
    services: list[str] | None = Field(default=None, max_length=50)
    customer_visible: bool | None = None
    slack_channel: str | None = Field(default=None, max_length=200)


class IncidentOut(BaseModel):
    id: int
    slug: str
    title: str
    severity: str | None
    status: str
    services: list[str]
    customer_visible: bool
    created_at: dt.datetime
    updated_at: dt.datetime
    opened_at: dt.datetime  # its first evidence (when it was recorded, until it has some)
    policy: dict[str, Any]  # the trigger table: decision, trigger, why (proposed_action)
    slack_channel: str | None = None
    milestones: dict[str, Any]
    durations_seconds: dict[str, float | None]
    url: str
    api_url: str
    postmortem: str | None = None  # in lists: missing / draft / in review / published
    postmortem_owed: bool | None = None  # in lists: owed and not yet published

    @classmethod
    def of(
        cls, incident: Incident, *, postmortem: str | None = None, owed: bool | None = None
    ) -> IncidentOut:
        m = incident.milestones
        d = incident.durations
        return cls(
            id=incident.id,
            slug=incident.slug,
            title=incident.title,
            severity=incident.severity,
            status=incident.status,
            services=list(incident.services),
            customer_visible=incident.customer_visible,
            created_at=incident.created_at,
            updated_at=incident.updated_at,
            opened_at=incident.opened,
            policy=policy_to_dict(incident.policy),
            slack_channel=incident.slack_channel,
            postmortem=postmortem,
            postmortem_owed=owed,
            milestones={
                "cause_at": m.cause_at,
                "detected_at": m.detected_at,
                "paged_at": m.paged_at,
                "acknowledged_at": m.acknowledged_at,
                "mitigated_at": m.mitigated_at,
                "resolved_at": m.resolved_at,
                "cause_candidate": m.cause_candidate,
            },
            durations_seconds=d.seconds(),
            url=f"/incidents/{incident.slug}",
            api_url=f"/api/v1/incidents/{incident.slug}",
        )


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    limit: int
    offset: int
    next_offset: int | None
    total: int


class PostmortemOut(BaseModel):
    incident: str
    version: int
    markdown: str
    title: str | None
    status: str | None
    severity: str | None
    incident_date: str | None
    fields: dict[str, str]
    created_at: dt.datetime
    updated_at: dt.datetime
    updated_by: str
    document: dict[str, Any] | None = None

    @classmethod
    def of(cls, slug: str, postmortem: Postmortem) -> PostmortemOut:
        return cls(
            incident=slug,
            version=postmortem.version,
            markdown=postmortem.markdown,
            title=postmortem.title,
            status=postmortem.status,
            severity=postmortem.severity,
            incident_date=postmortem.incident_date,
            fields=dict(postmortem.fields),
            created_at=postmortem.created_at,
            updated_at=postmortem.updated_at,
            updated_by=postmortem.updated_by,
        )


class PostmortemIn(Strict):
    markdown: str = Field(max_length=8 * 1024 * 1024)


class RevisionOut(BaseModel):
    version: int
    author: str
    created_at: dt.datetime
    changes: list[str]
    diff: str | None = None
    markdown: str | None = None

    @classmethod
    def of(cls, revision: Revision, *, full: bool = False) -> RevisionOut:
        return cls(
            version=revision.version,
            author=revision.author,
            created_at=revision.created_at,
            changes=list(revision.changes),
            diff=revision.diff if full else None,
            markdown=revision.markdown if full else None,
        )


class ActionItemOut(BaseModel):
    incident_id: int
    position: int
    action: str
    owner: str | None
    type: str | None
    due: str | None
    tracking: str | None
    done: bool | None

    @classmethod
    def of(cls, item: StoredActionItem) -> ActionItemOut:
        return cls(
            incident_id=item.incident_id,
            position=item.position,
            action=item.action,
            owner=item.owner,
            type=item.type,
            due=item.due,
            tracking=item.tracking,
            done=item.done,
        )


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    role: Literal["viewer", "editor", "admin"]


class TokenOut(BaseModel):
    id: int
    name: str
    role: str
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None

    @classmethod
    def of(cls, token: ApiToken) -> TokenOut:
        return cls(
            id=token.id,
            name=token.name,
            role=token.role,
            created_at=token.created_at,
            created_by=token.created_by,
            revoked_at=token.revoked_at,
        )


class NewTokenOut(TokenOut):
    token: str = Field(description="Shown this once; only its hash is stored.")


class DeliveryOut(BaseModel):
    # ignored: acknowledged but about nothing an incident uses (a Slack channel of no incident)
    status: Literal["stored", "duplicate", "ignored"]
    source: str
    incident: str | None  # None: a change kept in the change log, on no incident yet
    url: str | None
    received: int
    added: int
    changes: list[str] = Field(  # the change log's ids of the changes the delivery carried
        default_factory=list
    )
