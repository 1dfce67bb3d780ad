"""Incident use cases: create, read, list, update, delete."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from hindsight.core.channels import channel_key, is_channel_id
from hindsight.core.errors import UserError
from hindsight.core.incident import (
    PostmortemState,
    check_incident_transition,
    check_severity,
    incident_status,
)
from hindsight.services.errors import NotFoundError
from hindsight.store.incident_search import POSTMORTEM_FILTERS, SORTS, IncidentFilter

__all__ = [
    "POSTMORTEM_FILTERS",
    "SORTS",
    "IncidentFilter",
    "IncidentList",
    "ListedIncident",
    "find_incidents",
]
from hindsight.store.records import Incident, NewIncident
from hindsight.store.repositories import IncidentRepository
from hindsight.store.unit_of_work import UnitOfWork, utc_now

_UNSET: Any = object()


def slugify(text: str, limit: int = 48) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:limit].strip("-")
    return slug or "incident"


def unique_slug(repo: IncidentRepository, title: str, day: dt.date) -> str:
    stem = f"{day.isoformat()}-{slugify(title)}"
    taken = repo.slugs_like(stem)
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}-{n}" in taken:
        n += 1
    return f"{stem}-{n}"


def find_incident(uow: UnitOfWork, ref: int | str) -> Incident:
    """An incident by id (`42`) or slug (`2026-03-14-checkout-errors`), inside an open uow."""
    found: Incident | None = None
    number = _as_id(ref)
    if number is not None:
        found = uow.incidents.get(number)
    if found is None and isinstance(ref, str):
        found = uow.incidents.by_slug(ref)
    if found is None:
        raise NotFoundError(
            f"no incident {ref!r}", fix="`hindsight incident list` shows the ids and slugs"
        )
    return found


def _as_id(ref: int | str) -> int | None:
    """`ref` as an id a database can hold (ASCII digits, a positive 64-bit integer), else None:
    a 30-digit "id" in a URL is a miss, not an overflow in the driver."""
    if isinstance(ref, str):
        if not (ref.isascii() and ref.isdigit()):
            return None
        ref = int(ref)
    return ref if 0 < ref < 2**63 else None


def _check(severity: str | None, status: str | None) -> None:
    check_severity(severity)
    if status is not None:
        incident_status(status)


def new_incident_in(
    uow: UnitOfWork,
    *,
    title: str,
    severity: str | None = None,
    services: tuple[str, ...] = (),
    customer_visible: bool = False,
    actor: str,
    now: dt.datetime,
    reason: str = "incident.create",
    day: dt.date | None = None,
    opened: dt.datetime | None = None,
) -> Incident:
    """Create an incident inside an already open unit of work (ingest uses this too)."""
    title = " ".join(title.split())
    if not title:
        raise UserError("the incident title is empty", fix="give a one-line title")
    incident = uow.incidents.add(
        NewIncident(
            slug=unique_slug(uow.incidents, title, day or now.date()),
            title=title[:300],
            severity=check_severity(severity),
            services=tuple(dict.fromkeys(s for s in services if s)),
            customer_visible=customer_visible,
            opened_at=opened,
        ),
        now,
    )
    uow.audit.add(
        at=now,
        actor=actor,
        action=reason,
        incident_id=incident.id,
        detail={"slug": incident.slug, "title": incident.title},
    )
    return incident


def create_incident(
    uow: UnitOfWork,
    *,
    title: str,
    severity: str | None = None,
    services: tuple[str, ...] = (),
    customer_visible: bool = False,
    actor: str = "hindsight",
) -> Incident:
    with uow:
        incident = new_incident_in(
            uow,
            title=title,
            severity=severity,
            services=services,
            customer_visible=customer_visible,
            actor=actor,
            now=utc_now(),
        )
        uow.commit()
    return incident


def get_incident(uow: UnitOfWork, ref: int | str) -> Incident:
    with uow:
        return find_incident(uow, ref)


def list_incidents(
    uow: UnitOfWork, *, status: str | None = None, limit: int = 100, offset: int = 0
) -> list[Incident]:
    _check(None, status)
    with uow:
        return uow.incidents.recent(status=status, limit=limit, offset=offset)


@dataclass(frozen=True)
class ListedIncident:
    incident: Incident
    postmortem: str  # missing / draft / in review / published
    owed: bool  # the trigger table asks for a postmortem and none is published yet


@dataclass(frozen=True)
class IncidentList:
    rows: tuple[ListedIncident, ...]
    total: int
    services: tuple[str, ...]  # every service any incident names (for a filter)


def postmortem_category(state: PostmortemState | None, has_postmortem: bool) -> str:
    """How a list names a postmortem's state: missing, draft, in review, published (a Status
    the core cannot read is still a draft)."""
    if not has_postmortem:
        return "missing"
    return (state or PostmortemState.DRAFT).value.lower()


def find_incidents(
    uow: UnitOfWork,
    query: IncidentFilter,
    *,
    limit: int = 25,
    offset: int = 0,
    with_services: bool = False,
) -> IncidentList:
    """Filter, search, sort and page the incidents in the store (one query, plus the total
    when the page is not all there is)."""
    if query.status:
        incident_status(query.status)
    if query.severity:
        check_severity(query.severity)
    if query.postmortem and query.postmortem not in POSTMORTEM_FILTERS:
        raise UserError(
            f"unknown postmortem filter {query.postmortem!r}",
            fix=f"use one of {', '.join(POSTMORTEM_FILTERS)}",
        )
    if query.sort not in SORTS:
        raise UserError(f"unknown sort {query.sort!r}", fix=f"use one of {', '.join(SORTS)}")
    with uow:
        found, total = uow.incidents.search(query, limit=limit, offset=offset)
        services = tuple(uow.incidents.all_services()) if with_services else ()
    rows = tuple(
        ListedIncident(
            f.incident,
            postmortem_category(f.state, f.has_postmortem),
            f.incident.policy.owed and f.state is not PostmortemState.PUBLISHED,
        )
        for f in found
    )
    return IncidentList(rows, total, services)


def update_incident(
    uow: UnitOfWork,
    ref: int | str,
    *,
    actor: str = "hindsight",
    title: str = _UNSET,
    severity: str | None = _UNSET,
    status: str = _UNSET,
    services: tuple[str, ...] = _UNSET,
    customer_visible: bool = _UNSET,
    slack_channel: str | None = _UNSET,
) -> Incident:
    """Change the named fields (the others stay); audited with the before and after."""
    given: dict[str, Any] = {
        "title": title,
        "severity": severity,
        "status": status,
        "services": services,
        "customer_visible": customer_visible,
        "slack_channel": slack_channel,
    }
    values = {k: v for k, v in given.items() if v is not _UNSET}
    if "severity" in values:
        values["severity"] = check_severity(values["severity"])
    if "status" in values:
        values["status"] = incident_status(values["status"]).value
    if "slack_channel" in values:
        values["slack_channel"] = check_slack_channel(values["slack_channel"])
    if "title" in values:
        values["title"] = " ".join(str(values["title"]).split())[:300]
        if not values["title"]:
            raise UserError("the incident title is empty", fix="give a one-line title")
    with uow:
        incident = find_incident(uow, ref)
        if "status" in values:
            check_incident_transition(incident.status, values["status"])
        before = {k: getattr(incident, k) for k in values}
        changed = {k: v for k, v in values.items() if before[k] != _normal(k, v)}
        if not changed:
            return incident
        now = utc_now()
        uow.incidents.update(incident.id, changed, now)
        channel = changed.get("slack_channel")
        if channel and is_channel_id(channel):  # its live messages join the incident
            uow.incidents.bind_key(incident.id, channel_key(channel))
        uow.audit.add(
            at=now,
            actor=actor,
            action="incident.update",
            incident_id=incident.id,
            detail={
                "before": {k: _plain(before[k]) for k in changed},
                "after": {k: _plain(v) for k, v in changed.items()},
            },
        )
        updated = find_incident(uow, incident.id)
        uow.commit()
    return updated


def check_slack_channel(value: str | None) -> str | None:
    """A Slack channel as chat.postMessage takes it: an id (C0123ABCD) or a #name; empty is
    none."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not re.fullmatch(r"#?[a-z0-9][a-z0-9_\-]{0,79}|[CGD][A-Z0-9]{6,20}", text):
        raise UserError(
            f"{value!r} is not a Slack channel",
            where="slack channel",
            fix="give a channel id (C0123ABCD) or a name (#inc-checkout: lower case, digits, - _)",
        )
    return text


def delete_incident(uow: UnitOfWork, ref: int | str, *, actor: str = "hindsight") -> None:
    """Delete an incident with its events, payloads and postmortem; the audit log keeps a note."""
    with uow:
        incident = find_incident(uow, ref)
        uow.incidents.delete(incident.id)
        uow.audit.add(
            at=utc_now(),
            actor=actor,
            action="incident.delete",
            incident_id=incident.id,
            detail={"slug": incident.slug, "title": incident.title},
        )
        uow.commit()


def _normal(key: str, value: Any) -> Any:
    return tuple(value) if key == "services" else value


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
