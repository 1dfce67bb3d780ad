"""Events: bulk insert (PostgreSQL by binary COPY), the incident's timeline, and the bounded
candidates the milestones need."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from hindsight.core.events import Event, EventKind
from hindsight.store import mapping
from hindsight.store.sql import insert_ignoring
from hindsight.store.tables import events

CHANGE_KINDS = (EventKind.CHANGE.value, EventKind.DEPLOY.value)
DETECTION_KINDS = (EventKind.ALERT_FIRING.value, EventKind.PAGE_TRIGGERED.value)

# PostgreSQL bulk insert of events: binary COPY into a temporary table (no text formatting of
# each value here, no parsing of it there), then INSERT … SELECT. Each column with its staging
# type and COPY type; the JSON columns travel as text and become json in the INSERT. The list
# is checked against the table, so a new events column cannot be silently dropped.
_STAGE_TYPES = (
    ("incident_id", "integer", "int4"),
    ("payload_id", "bigint", "int8"),
    ("key", "text", "text"),
    ("at", "timestamptz", "timestamptz"),
    ("source", "text", "text"),
    ("kind", "text", "text"),
    ("text", "text", "text"),
    ("actor", "text", "text"),
    ("actor_is_bot", "boolean", "bool"),
    ("services", "text", "text"),
    ("link", "text", "text"),
    ("raw", "text", "text"),
    ("refs", "text", "text"),
    ("subject", "text", "text"),
    ("fact", "text", "text"),
    ("fidelity", "integer", "int4"),
)
_STAGED = tuple(name for name, _, _ in _STAGE_TYPES)
if tuple(c.name for c in events.columns if c.name != "id") != _STAGED:
    raise RuntimeError("the events table changed: update the staged columns to match")
_STAGE = "hindsight_events_in"
_STAGE_DDL = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (ord integer NOT NULL, "
    + ", ".join(f"{name} {sql}" for name, sql, _ in _STAGE_TYPES)
    + ")"
)
_STAGE_COPY = f"COPY {_STAGE} (ord, {', '.join(_STAGED)}) FROM STDIN (FORMAT BINARY)"
_STAGE_COPY_TYPES = ["int4", *(copy for _, _, copy in _STAGE_TYPES)]
_STAGE_INSERT = (
    f"INSERT INTO events ({', '.join(_STAGED)}) "
    f"SELECT {', '.join(f'{n}::json' if n in ('services', 'refs') else n for n in _STAGED)} "
    f"FROM {_STAGE} ORDER BY ord ON CONFLICT (incident_id, key) DO NOTHING"
)
_STAGE_CLEAR = f"TRUNCATE {_STAGE}"


class _JsonArrays:
    """`json.dumps` of short lists of strings, remembered: a batch repeats a few values."""

    def __init__(self) -> None:
        self.seen: dict[tuple[Any, ...], str] = {}

    def __call__(self, values: Sequence[Any]) -> str:
        key = tuple(values)
        text = self.seen.get(key)
        if text is None:
            text = self.seen[key] = json.dumps(list(values))
        return text


# The statements every webhook delivery runs, built once: building a statement and its cache
# key costs more than running it.

_COUNT_EVENTS = select(func.count()).where(events.c.incident_id == bindparam("incident_id"))
_EVENTS_SINCE = (
    select(events)
    .where(events.c.incident_id == bindparam("incident_id"), events.c.id > bindparam("after_id"))
    .order_by(events.c.id)
)


class EventRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add_many(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert event rows in order, skipping keys the incident already has (and repeats
        within `rows`: the first one wins); the number inserted."""
        if not rows:
            return 0
        for row in rows:
            if row["at"].tzinfo is None:
                raise ValueError(f"naive datetime {row['at']!r}: store aware UTC instants only")
        if self.connection.dialect.name == "postgresql":
            return self._copy_many(rows)
        statement = insert_ignoring(self.connection, events, "incident_id", "key")
        result = self.connection.execute(statement.returning(events.c.id), rows)
        return len(result.all())

    def _copy_many(self, rows: Sequence[dict[str, Any]]) -> int:
        """PostgreSQL: COPY the rows into a session-private staging table, then one
        INSERT … SELECT … ORDER BY … ON CONFLICT DO NOTHING, whose row count is what was new.
        No per-row statement, parameter binding or key lookup. The staging table is emptied
        before returning; on an error the transaction, and so what was copied, rolls back."""
        self.connection.exec_driver_sql(_STAGE_DDL)
        driver = self.connection.connection.driver_connection
        assert driver is not None
        dumps = _JsonArrays()
        with driver.cursor() as cursor, cursor.copy(_STAGE_COPY) as copy:
            copy.set_types(_STAGE_COPY_TYPES)
            write = copy.write_row
            for number, row in enumerate(rows):
                write(
                    (
                        number,
                        row["incident_id"],
                        row["payload_id"],
                        row["key"],
                        row["at"],
                        row["source"],
                        row["kind"],
                        row["text"],
                        row["actor"],
                        row["actor_is_bot"],
                        dumps(row["services"]),
                        row["link"],
                        row["raw"],
                        dumps(row["refs"]),
                        row["subject"],
                        row["fact"],
                        row["fidelity"],
                    )
                )
        added = self.connection.exec_driver_sql(_STAGE_INSERT).rowcount
        self.connection.exec_driver_sql(_STAGE_CLEAR)
        return int(added)

    def add(self, incident_id: int, found: Iterable[Event], payload_id: int | None) -> int:
        return self.add_many([mapping.event_row(e, incident_id, payload_id) for e in found])

    def for_incident(self, incident_id: int, *, batch: int = 2000) -> Iterator[Event]:
        """The incident's events in time order, streamed."""
        query = (
            select(events)
            .where(events.c.incident_id == incident_id)
            .order_by(events.c.at, events.c.id)
        )
        result = self.connection.execute(query.execution_options(yield_per=batch)).mappings()
        for row in result:
            yield mapping.event_from_row(row)

    def stored_since(self, incident_id: int, after_id: int) -> list[tuple[int, Event]]:
        """The incident's events with an id above `after_id`, as (id, event), by id: what was
        stored since a caller last looked (events are only ever added)."""
        found = self.connection.execute(
            _EVENTS_SINCE, {"incident_id": incident_id, "after_id": after_id}
        )
        return [(row["id"], mapping.event_from_row(row)) for row in found.mappings()]

    def milestone_candidates(
        self, incident_id: int, *, exact_up_to: int = 20_000, changes_kept: int = 1000
    ) -> list[Event]:
        """The events the milestones depend on. Up to `exact_up_to` events: all of them. Beyond
        (a storm): the latest `changes_kept` changes and deploys up to the first detection and,
        of every (kind, source), the first and the last — bounded, whatever the storm's size."""
        if self.count(incident_id) <= exact_up_to:
            return list(self.for_incident(incident_id))
        group = (events.c.kind, events.c.source)
        first = func.row_number().over(partition_by=group, order_by=(events.c.at, events.c.id))
        last = func.row_number().over(
            partition_by=group, order_by=(events.c.at.desc(), events.c.id.desc())
        )
        ranked = (
            select(events.c.id, first.label("first"), last.label("last"))
            .where(events.c.incident_id == incident_id)
            .subquery()
        )
        keep = select(ranked.c.id).where((ranked.c.first == 1) | (ranked.c.last == 1))
        detected = (
            select(func.min(events.c.at))
            .where(events.c.incident_id == incident_id, events.c.kind.in_(DETECTION_KINDS))
            .scalar_subquery()
        )
        # The suspected cause is the last change before detection: the latest few suffice.
        changes = (
            select(events.c.id)
            .where(
                events.c.incident_id == incident_id,
                events.c.kind.in_(CHANGE_KINDS),
                events.c.at <= detected,
            )
            .order_by(events.c.at.desc(), events.c.id.desc())
            .limit(changes_kept)
        )
        query = (
            select(events)
            .where(
                events.c.incident_id == incident_id,
                events.c.id.in_(keep) | events.c.id.in_(changes),
            )
            .order_by(events.c.at, events.c.id)
        )
        return [mapping.event_from_row(r) for r in self.connection.execute(query).mappings()]

    def count(self, incident_id: int | None = None) -> int:
        if incident_id is not None:
            found = self.connection.execute(_COUNT_EVENTS, {"incident_id": incident_id})
            return int(found.scalar_one())
        query = select(func.count()).select_from(events)
        if incident_id is not None:
            query = query.where(events.c.incident_id == incident_id)
        return int(self.connection.execute(query).scalar_one())
