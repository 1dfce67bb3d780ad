"""The change log: changes kept once per (source, external id), found by service and time,
and the incidents each one joined."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import orjson
from sqlalchemy import ColumnElement, Connection, bindparam, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from hindsight.core.changes import Change, ChangeKind
from hindsight.core.events import from_dict, to_dict
from hindsight.store.tables import change_incidents, change_services, changes, incidents


@dataclass(frozen=True)
class StoredChange:
    id: int
    change: Change
    recorded_at: dt.datetime


_FIND = select(changes).where(
    changes.c.source == bindparam("source"), changes.c.external_id == bindparam("external_id")
)
_ADD = {
    "postgresql": postgresql.insert(changes)
    .on_conflict_do_nothing(index_elements=["source", "external_id"])
    .returning(changes.c.id),
    "sqlite": sqlite.insert(changes)
    .on_conflict_do_nothing(index_elements=["source", "external_id"])
    .returning(changes.c.id),
}
_ADD_SERVICES = insert(change_services)
# The lookback: one range seek per service on change_services' primary key, then the rows.
# Run on the DBAPI cursor with hand mapping (`_lookback_sql`, `_raw_change`): it is on the path
# of every incident that opens, and the statement is fixed.
LOOKBACK = (
    select(changes)
    .where(
        changes.c.id.in_(
            select(change_services.c.change_id).where(
                change_services.c.service.in_(bindparam("services", expanding=True)),
                change_services.c.at >= bindparam("since"),
                change_services.c.at <= bindparam("until"),
            )
        )
    )
    .order_by(changes.c.at, changes.c.id)
)
_JOIN = {
    "postgresql": postgresql.insert(change_incidents).on_conflict_do_nothing(
        index_elements=["change_id", "incident_id"]
    ),
    "sqlite": sqlite.insert(change_incidents).on_conflict_do_nothing(
        index_elements=["change_id", "incident_id"]
    ),
}


def change_row(change: Change, now: dt.datetime) -> dict[str, Any]:
    return {
        "source": change.source,
        "external_id": change.external_id,
        "kind": change.kind.value,
        "summary": change.summary,
        "services": list(change.services),
        "environment": change.environment,
        "production": change.production,
        "at": change.at,
        "author": change.author,
        "link": change.link,
        "labels": dict(change.labels),
        "event": to_dict(change.event) if change.event is not None else None,
        "recorded_at": now,
    }


def stored_change(row: Any) -> StoredChange:
    event = row["event"]
    return StoredChange(
        id=row["id"],
        change=Change(
            source=row["source"],
            external_id=row["external_id"],
            kind=ChangeKind(row["kind"]),
            summary=row["summary"],
            services=tuple(row["services"]),
            at=row["at"],
            environment=row["environment"],
            author=row["author"],
            link=row["link"],
            labels=tuple(sorted(row["labels"].items())),
            event=from_dict(event) if event is not None else None,
        ),
        recorded_at=row["recorded_at"],
    )


_COLUMNS = (
    "id, source, external_id, kind, summary, services, environment, production, at, author, "
    "link, labels, event, recorded_at"
)
_SQLITE_LOOKBACK: dict[int, str] = {}
_POSTGRES_LOOKBACK = (
    f"SELECT {_COLUMNS} FROM changes WHERE id IN (SELECT change_id FROM change_services "
    "WHERE service = ANY(%s) AND at >= %s AND at <= %s) ORDER BY at, id"
)
UTC = dt.UTC
T = TypeVar("T")


def _lookback_sql(sqlite_db: bool, count: int) -> str:
    if not sqlite_db:
        return _POSTGRES_LOOKBACK
    found = _SQLITE_LOOKBACK.get(count)
    if found is None:
        marks = ", ".join("?" for _ in range(count))
        found = (
            f"SELECT {_COLUMNS} FROM changes WHERE id IN (SELECT change_id FROM change_services "
            f"WHERE service IN ({marks}) AND at >= ? AND at <= ?) ORDER BY at, id"
        )
        _SQLITE_LOOKBACK[count] = found
    return found


def _sqlite_instant(at: dt.datetime) -> str:
    """An instant as UTCDateTime stores it on SQLite (naive UTC, microseconds)."""
    return at.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _instant(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite: naive UTC text
        return dt.datetime.fromisoformat(value + "+00:00")
    assert isinstance(value, dt.datetime)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str | bytes) else value


_KINDS = {k.value: k for k in ChangeKind}


def _trusted(cls: type[T], fields: dict[str, Any]) -> T:
    """A frozen value from a stored row, without re-running its constructor: the row holds
    what the constructor accepted when it was written. The lookback maps thousands of rows
    per incident that opens, and the generated `__init__` of a frozen dataclass was most of
    the cost of mapping one."""
    value = object.__new__(cls)
    value.__dict__.update(fields)
    return value


def _raw_change(row: Sequence[Any], sqlite_db: bool) -> StoredChange:
    """A DBAPI row of `_COLUMNS` as a stored change (what `stored_change` does for a mapped
    row; a test keeps the two equal)."""
    event = _json(row[12])
    labels = () if row[11] == "{}" else tuple(sorted(_json(row[11]).items()))
    change = _trusted(
        Change,
        {
            "source": row[1],
            "external_id": row[2],
            "kind": _KINDS[row[3]],
            "summary": row[4],
            "services": tuple(_json(row[5])),
            "at": _instant(row[8]),
            "environment": row[6],
            "author": row[9],
            "link": row[10],
            "labels": labels,
            "event": from_dict(event) if event is not None else None,
        },
    )
    return _trusted(
        StoredChange, {"id": row[0], "change": change, "recorded_at": _instant(row[13])}
    )


class ChangeRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def find(self, source: str, external_id: str) -> StoredChange | None:
        row = (
            self.connection.execute(_FIND, {"source": source, "external_id": external_id})
            .mappings()
            .first()
        )
        return stored_change(row) if row is not None else None

    def add(self, change: Change, now: dt.datetime) -> StoredChange | None:
        """Store the change; None when (source, external id) is already stored."""
        statement = _ADD[self.connection.dialect.name]
        new_id = self.connection.execute(statement, change_row(change, now)).scalar()
        if new_id is None:
            return None
        self.connection.execute(
            _ADD_SERVICES,
            [{"service": s, "at": change.at, "change_id": new_id} for s in change.services],
        )
        return StoredChange(new_id, change, now)

    def lookback(
        self, services: Sequence[str], since: dt.datetime, until: dt.datetime
    ) -> list[StoredChange]:
        """The changes to any of `services` at a time in [since, until], oldest first (the
        statement `LOOKBACK` says, run on the DBAPI cursor)."""
        names = list(dict.fromkeys(services))
        if not names:
            return []
        sqlite_db = self.connection.dialect.name == "sqlite"
        low, high = since.astimezone(UTC), until.astimezone(UTC)
        params: tuple[Any, ...]
        if sqlite_db:
            params = (*names, _sqlite_instant(low), _sqlite_instant(high))
        else:
            params = (names, low, high)
        cursor = self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_lookback_sql(sqlite_db, len(names)), params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return [_raw_change(row, sqlite_db) for row in rows]

    def join(self, change_id: int, incident_id: int, now: dt.datetime) -> bool:
        """Record that the change joined the incident; whether it had not already."""
        statement = _JOIN[self.connection.dialect.name]
        done = self.connection.execute(
            statement, {"change_id": change_id, "incident_id": incident_id, "joined_at": now}
        )
        return bool(done.rowcount)

    def joined(self, change_ids: Iterable[int]) -> dict[int, list[str]]:
        """The slugs of the incidents each change joined."""
        ids = sorted(set(change_ids))
        if not ids:
            return {}
        query = (
            select(change_incidents.c.change_id, incidents.c.slug)
            .join(incidents, incidents.c.id == change_incidents.c.incident_id)
            .where(change_incidents.c.change_id.in_(ids))
            .order_by(change_incidents.c.change_id, incidents.c.id)
        )
        out: dict[int, list[str]] = {}
        for change_id, slug in self.connection.execute(query):
            out.setdefault(change_id, []).append(slug)
        return out

    def page(
        self,
        *,
        service: str | None = None,
        since: dt.datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[StoredChange], int]:
        """The newest changes first, of one service and/or since a time; and how many."""
        conditions: list[ColumnElement[bool]] = []
        if service:
            conditions.append(
                changes.c.id.in_(
                    select(change_services.c.change_id).where(
                        change_services.c.service == service,
                        *((change_services.c.at >= since,) if since else ()),
                    )
                )
            )
        if since is not None:
            conditions.append(changes.c.at >= since)
        rows = self.connection.execute(
            select(changes)
            .where(*conditions)
            .order_by(changes.c.at.desc(), changes.c.id.desc())
            .limit(limit)
            .offset(offset)
        ).mappings()
        found = [stored_change(r) for r in rows]
        total = self.connection.execute(
            select(func.count()).select_from(changes).where(*conditions)
        ).scalar_one()
        return found, int(total)

    def services(self) -> list[str]:
        """Every service a stored change names."""
        query = select(change_services.c.service).distinct().order_by(change_services.c.service)
        return list(self.connection.execute(query).scalars())
