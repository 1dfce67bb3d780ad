"""The change log's use cases: record a change once, join changes to incidents, list them.

- `record_change` keeps a change once per (source, external id): a re-delivery changes
  nothing. Its services are mapped through the catalog first. A change to a service with an
  open incident joins it at once (if it is no older than the lookback before the incident
  opened).
- `join_changes` is what ingest calls when an incident opens or a service joins it: every
  stored change to those services from the lookback window before the incident opened up to
  now joins its cause lane.

"Join" means the change becomes an event on the incident (`core.changes.change_event`), so the
timeline, the milestones and the detection gap use it like any other evidence; the join is
also remembered, for the change log's "incidents it joined".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.changes import Change, change_event, change_from_event
from hindsight.core.events import Event
from hindsight.core.figures import CHANGE_KINDS
from hindsight.core.incident import ACTIVE_STATUSES
from hindsight.services.catalog import resolve_names
from hindsight.services.timelines import refresh_milestones
from hindsight.store.changes import StoredChange
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork, utc_now

DEFAULT_LOOKBACK = dt.timedelta(hours=24)


@dataclass(frozen=True)
class RecordedChange:
    stored: StoredChange
    new: bool  # False: it was stored already and nothing changed
    joined: tuple[str, ...]  # slugs of the incidents it joined now
    unmatched: tuple[str, ...] = ()  # its services the catalog does not know

    def describe(self) -> str:
        change = self.stored.change
        if not self.new:
            return f"change {change.external_id} already stored: nothing changed"
        where = f" → joined {', '.join(self.joined)}" if self.joined else " (joined no incident)"
        return f"change recorded: {change.summary}{where}"


@dataclass(frozen=True)
class ListedChange:
    stored: StoredChange
    incidents: tuple[str, ...]  # slugs of the incidents it joined
    unmatched: tuple[str, ...]  # its services the catalog does not know


@dataclass(frozen=True)
class ChangePage:
    items: tuple[ListedChange, ...]
    total: int


def record_change(
    uow: UnitOfWork,
    change: Change,
    *,
    actor: str,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
) -> RecordedChange:
    """Keep `change` once and join it to the open incidents of its services (its own
    transaction)."""
    with uow:
        recorded = record_change_in(uow, change, actor=actor, lookback=lookback, now=utc_now())
        if recorded.new:
            uow.commit()
    return recorded


def record_change_in(
    uow: UnitOfWork,
    change: Change,
    *,
    actor: str,
    lookback: dt.timedelta,
    now: dt.datetime,
) -> RecordedChange:
    """`record_change` inside an open unit of work."""
    known = uow.changes.find(change.source, change.external_id)
    if known is not None:
        return RecordedChange(known, False, (), _unmatched(uow, known.change.services))
    names = resolve_names(uow, change.services)
    services = tuple(dict.fromkeys(names[n] or n for n in change.services))
    unmatched = tuple(n for n in change.services if names[n] is None)
    mapped = dataclasses.replace(change, services=services)
    stored = uow.changes.add(mapped, now)
    if stored is None:  # stored meanwhile by a concurrent delivery
        again = uow.changes.find(change.source, change.external_id)
        assert again is not None
        return RecordedChange(again, False, (), unmatched)
    joined: list[str] = []
    for incident_id, touched, created_at, _ in uow.incidents.open_for_correlation():
        if not set(services).intersection(touched):
            continue
        incident = uow.incidents.get(incident_id)
        if incident is None or incident.status not in ACTIVE_STATUSES:
            continue
        if mapped.at < (incident.opened_at or created_at) - lookback:
            continue
        if _join(uow, incident.id, [stored], now):
            refresh_milestones(uow, incident.id, now)
            joined.append(incident.slug)
    uow.audit.add(
        at=now,
        actor=actor,
        action="change.record",
        incident_id=None,
        detail={
            "source": mapped.source,
            "external_id": mapped.external_id,
            "services": list(mapped.services),
            "joined": joined,
        },
    )
    return RecordedChange(stored, True, tuple(joined), unmatched)


def _unmatched(uow: UnitOfWork, services: Sequence[str]) -> tuple[str, ...]:
    known = resolve_names(uow, services)
    return tuple(n for n in services if known[n] is None)


def join_changes(
    uow: UnitOfWork,
    incident: Incident,
    services: Sequence[str],
    *,
    opened: dt.datetime | None,
    now: dt.datetime,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
) -> int:
    """The stored changes to `services` from `lookback` before the incident opened up to now
    join its cause lane (inside an open uow); how many joined."""
    start = opened or now
    found = uow.changes.lookback(services, start - lookback, max(now, start))
    return _join(uow, incident.id, found, now)


def _join(
    uow: UnitOfWork, incident_id: int, found: Sequence[StoredChange], now: dt.datetime
) -> int:
    if not found:
        return 0
    uow.events.add(incident_id, [change_event(s.change) for s in found], None)
    return sum(uow.changes.join(s.id, incident_id, now) for s in found)


def is_change_only(events: Sequence[Event]) -> bool:
    """A payload that is nothing but changes (a deployment, a push): it goes to the change log
    when no incident is named."""
    return bool(events) and all(e.kind in CHANGE_KINDS for e in events)


def changes_from_payload(events: Sequence[Event], payload: bytes) -> list[Change]:
    """The changes a change-only payload carries. GitHub's deployment environment is read
    from the payload (the event does not carry it); a push to a branch other than the
    repository's default branch is no change to production's code and is not kept."""
    environment, default_branch_push = _github_facts(payload)
    if default_branch_push is False:
        return []
    return [change_from_event(e, environment=environment) for e in events]


def _github_facts(payload: bytes) -> tuple[str | None, bool | None]:
    try:
        body = json.loads(payload)
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    for part in ("deployment_status", "deployment"):
        section = body.get(part)
        if isinstance(section, dict) and isinstance(section.get("environment"), str):
            return section["environment"], None
    repository = body.get("repository")
    ref = body.get("ref")
    if "pusher" in body and isinstance(repository, dict) and isinstance(ref, str):
        default = repository.get("default_branch") or repository.get("master_branch")
        if isinstance(default, str) and default:
            return None, ref == f"refs/heads/{default}"
    return None, None


def list_changes(
    uow: UnitOfWork,
    *,
    service: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> ChangePage:
    """The newest changes first, with the incidents they joined and their unmatched services.
    `service` may be any name the catalog knows for it."""
    with uow:
        if service:
            service = resolve_names(uow, [service])[service] or service
        found, total = uow.changes.page(service=service, since=since, limit=limit, offset=offset)
        joined = uow.changes.joined(s.id for s in found)
        known = resolve_names(uow, (n for s in found for n in s.change.services))
    return ChangePage(
        tuple(
            ListedChange(
                s,
                tuple(joined.get(s.id, ())),
                tuple(n for n in s.change.services if known[n] is None),
            )
            for s in found
        ),
        total,
    )
