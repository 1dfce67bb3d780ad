"""Action item use cases: the records a saved postmortem's table becomes, listing them with
filters, and moving their status (by hand, or from a tracker's issue).

The postmortem's table is where authors write items; these records are what the items *are*
afterwards: each keeps its id, status and tracker link across edits of the table (rows are
matched to records by `core.actions.matching`). Status lives here only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

from hindsight.core.actions import ActionStatus, parse_status, parse_tracking, transition
from hindsight.core.actions.completion import Completion, FollowUp, completion
from hindsight.core.actions.due import due_date, is_overdue
from hindsight.core.actions.matching import Known, Row, match_rows
from hindsight.core.analysis.records import stated_done
from hindsight.core.document import parse
from hindsight.core.document.action_items import ActionItem, read_action_items
from hindsight.core.document.template import ACTION_TYPES
from hindsight.core.errors import InputError
from hindsight.services.errors import NotFoundError
from hindsight.services.incidents import find_incident
from hindsight.store.records import Postmortem, StoredActionItem
from hindsight.store.unit_of_work import UnitOfWork, utc_now


@dataclass(frozen=True)
class ItemFilter:
    """What `list_action_items` keeps; every field None/False keeps everything."""

    incident: int | str | None = None
    owner: str | None = None
    status: ActionStatus | None = None
    type: str | None = None
    overdue: bool = False
    today: dt.date | None = None
    services: tuple[str, ...] = ()  # items of incidents touching any of these services


# Saving a postmortem ---------------------------------------------------------------------------


def _clip(value: str | None, limit: int) -> str | None:
    return None if value is None else value[:limit]


def _type(value: str | None) -> str | None:
    if value is None:
        return None
    folded = value.strip().casefold()
    return folded if folded in ACTION_TYPES else value[:40]


def _document_values(item: ActionItem, position: int) -> dict[str, object]:
    ref = parse_tracking(item.tracking)
    return {
        "position": position,
        "action": item.action,
        "owner": _clip(item.owner, 200),
        "type": _type(item.type),
        "due": _clip(item.due, 40),
        "tracking": item.tracking,
        "priority": _clip(item.priority, 40),
        "tracker_provider": ref.provider if ref else None,
        "tracker_key": _clip(ref.key, 300) if ref else None,
        "tracker_url": ref.url if ref else None,
    }


def sync_items_from_document(
    uow: UnitOfWork, postmortem: Postmortem, markdown: str, now: dt.datetime
) -> list[StoredActionItem]:
    """Create, update and remove the postmortem's records so they are its table's rows;
    matched records keep their id, status and times. Runs inside the save's transaction."""
    rows = read_action_items(parse(markdown))
    known = uow.action_items.for_postmortem(postmortem.id)
    matches = match_rows(
        [
            Known(k.id, k.position, k.action, k.tracking, k.tracker_url, k.tracker_key)
            for k in known
        ],
        [Row(i + 1, r.action, r.tracking) for i, r in enumerate(rows)],
    )
    by_id = {k.id: k for k in known}
    uow.action_items.park_positions(postmortem.id)
    for index, (row, match) in enumerate(zip(rows, matches, strict=True)):
        values = _document_values(row, index + 1)
        if match is None:
            # A new record starts as the document states it (a ticked box, "done" in its
            # Tracking cell); from then on its status lives here.
            said = row.done if row.done is not None else stated_done(row.tracking, row.action)
            status = ActionStatus.DONE if said else ActionStatus.OPEN
            uow.action_items.add(
                StoredActionItem(
                    postmortem_id=postmortem.id,
                    incident_id=postmortem.incident_id,
                    **values,  # type: ignore[arg-type]
                    status=status.value,
                    created_at=now,
                    updated_at=now,
                    closed_at=now if status.closed else None,
                )
            )
            continue
        record = by_id[match]
        changed = any(getattr(record, k) != v for k, v in values.items() if k != "position")
        uow.action_items.update(match, values | ({"updated_at": now} if changed else {}))
    matched = {m for m in matches if m is not None}
    uow.action_items.remove(k.id for k in known if k.id not in matched)
    return uow.action_items.for_postmortem(postmortem.id)


# Reading ---------------------------------------------------------------------------------------


def list_action_items(
    uow: UnitOfWork, filters: ItemFilter = ItemFilter()
) -> list[StoredActionItem]:
    """Items matching `filters`, soonest due first (undated last), then by incident and row."""
    with uow:
        incident_ids: list[int] | None = None
        if filters.incident is not None:
            incident_ids = [find_incident(uow, filters.incident).id]
        items = uow.action_items.listing(
            incident_ids=incident_ids,
            owner=filters.owner,
            status=filters.status.value if filters.status else None,
            type=filters.type,
        )
        if filters.services:
            wanted = {s.casefold() for s in filters.services}
            cache: dict[int, set[str]] = {}
            touching = {
                i.incident_id for i in items if _services(uow, i.incident_id, cache) & wanted
            }
            items = [i for i in items if i.incident_id in touching]
    if filters.overdue:
        today = filters.today or dt.date.today()
        items = [i for i in items if is_overdue(ActionStatus(i.status), due_date(i.due), today)]
    return sorted(items, key=sort_key)


def sort_key(item: StoredActionItem) -> tuple[bool, dt.date, int, int]:
    due = due_date(item.due)
    return (due is None, due or dt.date.max, item.incident_id, item.position)


def _services(uow: UnitOfWork, incident_id: int, cache: dict[int, set[str]]) -> set[str]:
    if incident_id not in cache:
        incident = uow.incidents.get(incident_id)
        cache[incident_id] = {s.casefold() for s in incident.services} if incident else set()
    return cache[incident_id]


def earlier_open_follow_ups(uow: UnitOfWork, ref: int | str) -> list[StoredActionItem]:
    """Close the loop: the still-open follow-ups of earlier incidents that share a service
    with this one (soonest due first) — what was promised last time this service failed."""
    with uow:
        incident = find_incident(uow, ref)
        mine = {s.casefold() for s in incident.services}
        if not mine:
            return []
        items = uow.action_items.listing(status=ActionStatus.OPEN.value)
        earlier: dict[int, bool] = {}
        for item in items:
            if item.incident_id not in earlier:
                other = uow.incidents.get(item.incident_id)
                earlier[item.incident_id] = (
                    other is not None
                    and other.id != incident.id
                    and (other.opened, other.id) < (incident.opened, incident.id)
                    and bool(mine & {s.casefold() for s in other.services})
                )
    return sorted((i for i in items if earlier[i.incident_id]), key=sort_key)


def get_action_item(uow: UnitOfWork, item_id: int) -> StoredActionItem:
    with uow:
        return _item(uow, item_id)


def _item(uow: UnitOfWork, item_id: int) -> StoredActionItem:
    found = uow.action_items.get(item_id)
    if found is None:
        raise NotFoundError(
            f"there is no action item {item_id}",
            fix="list them with: hindsight actions list",
        )
    return found


# Status ----------------------------------------------------------------------------------------


def set_status(
    uow: UnitOfWork,
    item_id: int,
    status: str | ActionStatus,
    *,
    reason: str | None = None,
    actor: str,
) -> StoredActionItem:
    """Move an item to `status` (not_doing needs a reason); recorded in the audit log."""
    new = status if isinstance(status, ActionStatus) else parse_status(status)
    with uow:
        item = _item(uow, item_id)
        updated = apply_status(uow, item, new, reason, actor=actor, now=utc_now())
        uow.commit()
    return updated


def apply_status(
    uow: UnitOfWork,
    item: StoredActionItem,
    new: ActionStatus,
    reason: str | None,
    *,
    actor: str,
    now: dt.datetime,
) -> StoredActionItem:
    """The status change inside an open unit of work; nothing is written when nothing moves."""
    current = ActionStatus(item.status)
    change = transition(current, new, reason)
    if change.status is current and change.reason == item.status_reason:
        return item
    closed_at = None if not change.status.closed else (item.closed_at if current.closed else now)
    uow.action_items.set_status(
        item.id, status=change.status.value, reason=change.reason, closed_at=closed_at, now=now
    )
    uow.audit.add(
        at=now,
        actor=actor,
        action="action_item.status",
        incident_id=item.incident_id,
        detail={
            "item": item.id,
            "from": current.value,
            "to": change.status.value,
            "reason": change.reason,
        },
    )
    return replace(
        item,
        status=change.status.value,
        status_reason=change.reason,
        closed_at=closed_at,
        updated_at=now,
    )


def status_from_tracker(
    uow: UnitOfWork,
    provider: str,
    key: str,
    status: ActionStatus,
    reason: str | None,
    *,
    actor: str,
) -> list[StoredActionItem]:
    """Every item linked to the tracker's issue `key`, moved to `status` (a webhook or a pull);
    the items it moved."""
    if status is ActionStatus.NOT_DOING and not (reason or "").strip():
        reason = f"closed as not planned in {provider}"
    if status is not ActionStatus.NOT_DOING:
        reason = None
    moved: list[StoredActionItem] = []
    with uow:
        now = utc_now()
        for item in uow.action_items.by_tracker(provider, key):
            after = apply_status(uow, item, status, reason, actor=actor, now=now)
            if after is not item:
                moved.append(after)
        uow.commit()
    return moved


def follow_ups(uow: UnitOfWork) -> list[FollowUp]:
    """Every stored item as completion sees it (teams: its incident's services)."""
    with uow:
        items = uow.action_items.listing()
        cache: dict[int, tuple[str, ...]] = {}
        for item in items:
            if item.incident_id not in cache:
                incident = uow.incidents.get(item.incident_id)
                cache[item.incident_id] = incident.services if incident else ()
    return [
        FollowUp(
            id=i.id,
            incident=i.incident,
            type=i.type,
            teams=cache[i.incident_id],
            status=ActionStatus(i.status),
            created=(i.created_at or dt.datetime.now(dt.UTC)).date(),
            closed=i.closed_at.date() if i.closed_at else None,
            due=due_date(i.due),
            owner=i.owner,
            action=i.action,
        )
        for i in items
    ]


def follow_up_completion(uow: UnitOfWork, today: dt.date) -> Completion:
    return completion(follow_ups(uow), today)


def parse_today(text: str | None, *, where: str = "--today") -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"{text!r} is not a date", where=where, fix="write it as YYYY-MM-DD, e.g. 2026-03-14"
        ) from None


def to_dict(item: StoredActionItem) -> dict[str, object]:
    """The one JSON shape of an item (CLI and API)."""
    return {
        "id": item.id,
        "incident": item.incident,
        "position": item.position,
        "owner": item.owner,
        "action": item.action,
        "type": item.type,
        "due": item.due,
        "priority": item.priority,
        "tracking": item.tracker_url or item.tracking,
        "tracker": (
            None
            if item.tracker_provider is None and item.tracker_key is None
            else {
                "provider": item.tracker_provider,
                "key": item.tracker_key,
                "url": item.tracker_url,
            }
        ),
        "status": item.status,
        "reason": item.status_reason,
        "created_at": _instant(item.created_at),
        "updated_at": _instant(item.updated_at),
        "closed_at": _instant(item.closed_at),
    }


def _instant(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


__all__: Sequence[str] = (
    "ItemFilter",
    "apply_status",
    "earlier_open_follow_ups",
    "follow_up_completion",
    "follow_ups",
    "get_action_item",
    "list_action_items",
    "parse_today",
    "set_status",
    "status_from_tracker",
    "sync_items_from_document",
    "to_dict",
)
