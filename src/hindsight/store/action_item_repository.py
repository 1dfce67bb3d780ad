"""Action item records: read, added, changed and removed as their postmortem is saved, their
status set from the CLI, API, web and trackers, found again by their tracker's issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Select, delete, insert, select, update

from hindsight.store import mapping
from hindsight.store.records import StoredActionItem
from hindsight.store.tables import action_items, incidents

_ITEMS = select(action_items, incidents.c.slug.label("incident_slug")).join(
    incidents, incidents.c.id == action_items.c.incident_id
)


class ActionItemRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def _all(self, query: Select[Any]) -> list[StoredActionItem]:
        return [mapping.action_item_from_row(r) for r in self.connection.execute(query).mappings()]

    def get(self, item_id: int) -> StoredActionItem | None:
        found = self._all(_ITEMS.where(action_items.c.id == item_id))
        return found[0] if found else None

    def for_postmortem(self, postmortem_id: int) -> list[StoredActionItem]:
        return self._all(
            _ITEMS.where(action_items.c.postmortem_id == postmortem_id).order_by(
                action_items.c.position
            )
        )

    def listing(
        self,
        *,
        incident_ids: Iterable[int] | None = None,
        owner: str | None = None,
        status: str | None = None,
        type: str | None = None,
    ) -> list[StoredActionItem]:
        """Items in incident order, then table order; filters compare exactly (owner without
        case)."""
        query = _ITEMS.order_by(action_items.c.incident_id, action_items.c.position)
        if incident_ids is not None:
            query = query.where(action_items.c.incident_id.in_(list(incident_ids)))
        if owner is not None:
            pattern = owner.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(action_items.c.owner.ilike(pattern, escape="\\"))
        if status is not None:
            query = query.where(action_items.c.status == status)
        if type is not None:
            query = query.where(action_items.c.type == type)
        return self._all(query)

    def by_tracker(self, provider: str, key: str) -> list[StoredActionItem]:
        return self._all(
            _ITEMS.where(
                action_items.c.tracker_provider == provider, action_items.c.tracker_key == key
            )
        )

    def add(self, item: StoredActionItem) -> int:
        return int(
            self.connection.execute(
                insert(action_items).returning(action_items.c.id), mapping.action_item_row(item)
            ).scalar_one()
        )

    def update(self, item_id: int, values: dict[str, Any]) -> None:
        self.connection.execute(
            update(action_items).where(action_items.c.id == item_id).values(**values)
        )

    def park_positions(self, postmortem_id: int) -> None:
        """Move every item of the postmortem out of the way (position = -id), so the rows can
        take their new positions one by one under the (postmortem, position) uniqueness."""
        self.connection.execute(
            update(action_items)
            .where(action_items.c.postmortem_id == postmortem_id)
            .values(position=-action_items.c.id)
        )

    def remove(self, item_ids: Iterable[int]) -> None:
        ids = list(item_ids)
        if ids:
            self.connection.execute(delete(action_items).where(action_items.c.id.in_(ids)))

    def set_status(
        self,
        item_id: int,
        *,
        status: str,
        reason: str | None,
        closed_at: dt.datetime | None,
        now: dt.datetime,
    ) -> None:
        self.update(
            item_id,
            {"status": status, "status_reason": reason, "closed_at": closed_at, "updated_at": now},
        )
