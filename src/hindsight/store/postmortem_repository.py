"""Postmortems: the current version (saved compare-and-set on its number), its revisions, the
workflow's columns and the action items read from it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from hindsight.store import mapping
from hindsight.store.records import Postmortem, Revision, StoredActionItem
from hindsight.store.tables import action_items, incidents, postmortem_revisions, postmortems


class PostmortemRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, incident_id: int, values: dict[str, Any]) -> Postmortem:
        new_id = self.connection.execute(
            insert(postmortems).returning(postmortems.c.id),
            values | {"incident_id": incident_id},
        ).scalar_one()
        found = self.get(new_id)
        assert found is not None
        return found

    def get(self, postmortem_id: int) -> Postmortem | None:
        row = (
            self.connection.execute(select(postmortems).where(postmortems.c.id == postmortem_id))
            .mappings()
            .first()
        )
        return mapping.postmortem_from_row(row) if row else None

    def for_incident(self, incident_id: int) -> Postmortem | None:
        row = (
            self.connection.execute(
                select(postmortems).where(postmortems.c.incident_id == incident_id)
            )
            .mappings()
            .first()
        )
        return mapping.postmortem_from_row(row) if row else None

    def update_if_version(
        self, postmortem_id: int, expected_version: int, values: dict[str, Any]
    ) -> bool:
        """Compare-and-set on the version: False when someone saved first."""
        result = self.connection.execute(
            update(postmortems)
            .where(postmortems.c.id == postmortem_id, postmortems.c.version == expected_version)
            .values(**values, version=expected_version + 1)
        )
        return result.rowcount == 1

    def set_workflow(self, postmortem_id: int, **values: Any) -> None:
        """The workflow's own columns (approvals), which are not a new version."""
        self.connection.execute(
            update(postmortems).where(postmortems.c.id == postmortem_id).values(**values)
        )

    def add_revision(self, revision: Revision) -> None:
        self.connection.execute(
            insert(postmortem_revisions),
            {
                "postmortem_id": revision.postmortem_id,
                "version": revision.version,
                "author": revision.author,
                "created_at": revision.created_at,
                "markdown": revision.markdown,
                "diff": revision.diff,
                "changes": list(revision.changes),
            },
        )

    def revisions(self, postmortem_id: int) -> list[Revision]:
        rows = self.connection.execute(
            select(postmortem_revisions)
            .where(postmortem_revisions.c.postmortem_id == postmortem_id)
            .order_by(postmortem_revisions.c.version)
        ).mappings()
        return [mapping.revision_from_row(r) for r in rows]

    def action_items(self, *, incident_id: int | None = None) -> list[StoredActionItem]:
        query = (
            select(action_items, incidents.c.slug.label("incident_slug"))
            .join(incidents, incidents.c.id == action_items.c.incident_id)
            .order_by(action_items.c.incident_id, action_items.c.position)
        )
        if incident_id is not None:
            query = query.where(action_items.c.incident_id == incident_id)
        return [mapping.action_item_from_row(r) for r in self.connection.execute(query).mappings()]
