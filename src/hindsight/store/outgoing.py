"""The outgoing deliveries' log (Slack announcements, signed webhooks): one row per (event,
target), unique by its idempotency key, so queueing the same event twice sends it once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hindsight.store.tables import outgoing_deliveries

_ADD = {
    "postgresql": postgresql.insert(outgoing_deliveries).on_conflict_do_nothing(
        index_elements=["key"]
    ),
    "sqlite": sqlite.insert(outgoing_deliveries).on_conflict_do_nothing(index_elements=["key"]),
}


@dataclass(frozen=True)
class OutgoingDelivery:
    id: int
    key: str  # the idempotency key: event, subject and target
    event: str
    target: str
    incident_id: int | None
    body: dict[str, Any] = field(hash=False)
    state: str = "pending"  # pending | delivered | failed
    attempts: int = 0
    last_error: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None


class OutgoingRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(
        self,
        *,
        key: str,
        event: str,
        target: str,
        incident_id: int | None,
        body: dict[str, Any],
        now: dt.datetime,
    ) -> bool:
        """Queue a delivery; False when one with this key is already queued or done."""
        result = self.connection.execute(
            _ADD[self.connection.dialect.name],
            {
                "key": key[:200],
                "event": event,
                "target": target,
                "incident_id": incident_id,
                "body": body,
                "state": "pending",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            },
        )
        return result.rowcount == 1

    def get(self, delivery_id: int) -> OutgoingDelivery | None:
        row = (
            self.connection.execute(
                select(outgoing_deliveries).where(outgoing_deliveries.c.id == delivery_id)
            )
            .mappings()
            .first()
        )
        return _from_row(row) if row else None

    def pending(
        self, limit: int = 100, *, target: str | None = None, exclude: str | None = None
    ) -> list[OutgoingDelivery]:
        """Pending rows, oldest first (of one target, or of all but one)."""
        query = select(outgoing_deliveries).where(outgoing_deliveries.c.state == "pending")
        if target is not None:
            query = query.where(outgoing_deliveries.c.target == target)
        if exclude is not None:
            query = query.where(outgoing_deliveries.c.target != exclude)
        rows = self.connection.execute(
            query.order_by(outgoing_deliveries.c.id).limit(limit)
        ).mappings()
        return [_from_row(r) for r in rows]

    def record(
        self, delivery_id: int, *, state: str, attempts: int, error: str | None, now: dt.datetime
    ) -> None:
        self.connection.execute(
            update(outgoing_deliveries)
            .where(outgoing_deliveries.c.id == delivery_id)
            .values(state=state, attempts=attempts, last_error=error, updated_at=now)
        )

    def recent(self, *, incident_id: int | None = None, limit: int = 200) -> list[OutgoingDelivery]:
        query = select(outgoing_deliveries).order_by(outgoing_deliveries.c.id.desc()).limit(limit)
        if incident_id is not None:
            query = query.where(outgoing_deliveries.c.incident_id == incident_id)
        return [_from_row(r) for r in self.connection.execute(query).mappings()]


def _from_row(row: Any) -> OutgoingDelivery:
    return OutgoingDelivery(
        id=row["id"],
        key=row["key"],
        event=row["event"],
        target=row["target"],
        incident_id=row["incident_id"],
        body=dict(row["body"]),
        state=row["state"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
