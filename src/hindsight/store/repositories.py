"""Queries, one repository per aggregate, all on the unit of work's one connection."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Insert, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hindsight.core.events import Event, EventKind
from hindsight.store import mapping
from hindsight.store.records import (
    AuditEntry,
    Durations,
    Incident,
    Milestones,
    NewIncident,
    Payload,
    Postmortem,
    Revision,
    StoredActionItem,
)
from hindsight.store.tables import (
    action_items,
    audit_log,
    events,
    incident_keys,
    incidents,
    payloads,
    postmortem_revisions,
    postmortems,
)

OPEN_STATUSES = ("open", "mitigated")
CHANGE_KINDS = (EventKind.CHANGE.value, EventKind.DEPLOY.value)
DETECTION_KINDS = (EventKind.ALERT_FIRING.value, EventKind.PAGE_TRIGGERED.value)


def insert_ignoring(connection: Connection, table: Table, *conflict: str) -> Insert:
    """INSERT … ON CONFLICT (`conflict`) DO NOTHING, in the connection's dialect."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))


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
_GET_INCIDENT = select(incidents).where(incidents.c.id == bindparam("incident_id"))
_INCIDENT_BY_KEYS = (
    select(incident_keys.c.incident_id)
    .where(incident_keys.c.key.in_(bindparam("keys", expanding=True)))
    .order_by(incident_keys.c.incident_id)
    .limit(1)
)
_OPEN_FOR_CORRELATION = (
    select(
        incidents.c.id,
        incidents.c.services,
        incidents.c.created_at,
        select(func.max(events.c.at))
        .where(events.c.incident_id == incidents.c.id)
        .correlate(incidents)
        .scalar_subquery(),
    )
    .where(incidents.c.status.in_(OPEN_STATUSES))
    .order_by(incidents.c.id.desc())
)
_FIND_PAYLOAD = select(payloads.c.id, payloads.c.incident_id).where(
    payloads.c.digest == bindparam("digest")
)
_ADD_PAYLOAD = insert(payloads).returning(payloads.c.id)
_ADD_AUDIT = insert(audit_log)
_COUNT_EVENTS = select(func.count()).where(events.c.incident_id == bindparam("incident_id"))
_EVENTS_SINCE = (
    select(events)
    .where(events.c.incident_id == bindparam("incident_id"), events.c.id > bindparam("after_id"))
    .order_by(events.c.id)
)
_ADD_KEYS = {
    "postgresql": postgresql.insert(incident_keys).on_conflict_do_nothing(index_elements=["key"]),
    "sqlite": sqlite.insert(incident_keys).on_conflict_do_nothing(index_elements=["key"]),
}


class IncidentRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, incident: NewIncident, now: dt.datetime) -> Incident:
        row = mapping.new_incident_row(incident) | {"created_at": now, "updated_at": now}
        new_id = self.connection.execute(
            insert(incidents).returning(incidents.c.id), row
        ).scalar_one()
        found = self.get(new_id)
        assert found is not None
        return found

    def get(self, incident_id: int) -> Incident | None:
        row = (
            self.connection.execute(_GET_INCIDENT, {"incident_id": incident_id}).mappings().first()
        )
        return mapping.incident_from_row(row) if row else None

    def by_slug(self, slug: str) -> Incident | None:
        row = (
            self.connection.execute(select(incidents).where(incidents.c.slug == slug))
            .mappings()
            .first()
        )
        return mapping.incident_from_row(row) if row else None

    def slugs_like(self, stem: str) -> set[str]:
        rows = self.connection.execute(
            select(incidents.c.slug).where(incidents.c.slug.startswith(stem, autoescape=True))
        )
        return {r[0] for r in rows}

    def recent(
        self, *, status: str | None = None, limit: int = 100, offset: int = 0
    ) -> list[Incident]:
        query = select(incidents).order_by(incidents.c.created_at.desc(), incidents.c.id.desc())
        if status is not None:
            query = query.where(incidents.c.status == status)
        rows = self.connection.execute(query.limit(limit).offset(offset)).mappings()
        return [mapping.incident_from_row(r) for r in rows]

    def update(self, incident_id: int, values: dict[str, Any], now: dt.datetime) -> None:
        if "services" in values:
            values = values | {"services": list(values["services"])}
        self.connection.execute(
            update(incidents).where(incidents.c.id == incident_id).values(**values, updated_at=now)
        )

    def set_milestones(
        self, incident_id: int, milestones: Milestones, durations: Durations, now: dt.datetime
    ) -> None:
        self.update(incident_id, mapping.milestone_row(milestones, durations), now)

    def delete(self, incident_id: int) -> bool:
        result = self.connection.execute(delete(incidents).where(incidents.c.id == incident_id))
        return result.rowcount == 1

    # Correlation ------------------------------------------------------------------------------

    def by_keys(self, keys: Iterable[str]) -> int | None:
        keys = sorted(set(keys))
        if not keys:
            return None
        return self.connection.execute(_INCIDENT_BY_KEYS, {"keys": keys}).scalar()

    def add_keys(self, incident_id: int, keys: Iterable[str]) -> None:
        rows = [{"key": k, "incident_id": incident_id} for k in sorted(set(keys))]
        if rows:
            self.connection.execute(_ADD_KEYS[self.connection.dialect.name], rows)

    def keys(self, incident_id: int) -> list[str]:
        rows = self.connection.execute(
            select(incident_keys.c.key)
            .where(incident_keys.c.incident_id == incident_id)
            .order_by(incident_keys.c.key)
        )
        return [r[0] for r in rows]

    def open_for_correlation(
        self,
    ) -> list[tuple[int, tuple[str, ...], dt.datetime, dt.datetime | None]]:
        """Open incidents as (id, services, created_at, time of the latest event), newest
        incident first: what correlation needs on every delivery, without whole rows."""
        return [
            (row[0], tuple(row[1]), row[2], _utc(row[3]))
            for row in self.connection.execute(_OPEN_FOR_CORRELATION)
        ]

    def open_with_last_event(self) -> list[tuple[Incident, dt.datetime | None]]:
        """Open incidents, each with the time of its latest event (newest incident first)."""
        # One index probe per open incident (events(incident_id, at)), not an aggregate over
        # every stored event: correlation runs on every delivery.
        last_at = (
            select(func.max(events.c.at))
            .where(events.c.incident_id == incidents.c.id)
            .correlate(incidents)
            .scalar_subquery()
            .label("last_at")
        )
        query = (
            select(incidents, last_at)
            .where(incidents.c.status.in_(OPEN_STATUSES))
            .order_by(incidents.c.id.desc())
        )
        return [
            (mapping.incident_from_row(row), _utc(row["last_at"]))
            for row in self.connection.execute(query).mappings()
        ]


def _utc(value: dt.datetime | str | None) -> dt.datetime | None:
    if isinstance(value, str):  # SQLite's max() over the column loses the type
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value


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


class PayloadRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def find(self, digest: str) -> tuple[int, int] | None:
        """(payload id, incident id) of a payload already received."""
        row = self.connection.execute(_FIND_PAYLOAD, {"digest": digest}).first()
        return (row[0], row[1]) if row else None

    def add(
        self,
        *,
        digest: str,
        source: str,
        name: str,
        body: bytes,
        incident_id: int,
        now: dt.datetime,
    ) -> int:
        row = {
            "digest": digest,
            "source": source,
            "name": name[:500],
            "body": body,
            "incident_id": incident_id,
            "received_at": now,
        }
        return int(self.connection.execute(_ADD_PAYLOAD, row).scalar_one())

    def for_incident(self, incident_id: int) -> list[Payload]:
        rows = self.connection.execute(
            select(payloads).where(payloads.c.incident_id == incident_id).order_by(payloads.c.id)
        ).mappings()
        return [mapping.payload_from_row(r) for r in rows]


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

    def replace_action_items(self, postmortem_id: int, items: Sequence[StoredActionItem]) -> None:
        self.connection.execute(
            delete(action_items).where(action_items.c.postmortem_id == postmortem_id)
        )
        if items:
            self.connection.execute(
                insert(action_items), [mapping.action_item_row(i) for i in items]
            )

    def action_items(self, *, incident_id: int | None = None) -> list[StoredActionItem]:
        query = select(action_items).order_by(action_items.c.incident_id, action_items.c.position)
        if incident_id is not None:
            query = query.where(action_items.c.incident_id == incident_id)
        return [mapping.action_item_from_row(r) for r in self.connection.execute(query).mappings()]


class AuditRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(
        self,
        *,
        at: dt.datetime,
        actor: str,
        action: str,
        incident_id: int | None,
        detail: dict[str, Any],
    ) -> None:
        self.connection.execute(
            _ADD_AUDIT,
            {
                "at": at,
                "actor": actor[:200],
                "action": action,
                "incident_id": incident_id,
                "detail": detail,
            },
        )

    def recent(self, *, incident_id: int | None = None, limit: int = 200) -> list[AuditEntry]:
        query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if incident_id is not None:
            query = query.where(audit_log.c.incident_id == incident_id)
        return [mapping.audit_from_row(r) for r in self.connection.execute(query).mappings()]
