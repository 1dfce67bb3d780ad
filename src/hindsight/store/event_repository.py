"""Events: bulk insert (PostgreSQL by binary COPY), the incident's timeline, and the bounded
candidates the milestones need."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import Connection, bindparam, func, select

from hindsight.core.events import Event, EventKind
from hindsight.core.figures import CHANGE_KINDS as CORE_CHANGE_KINDS
from hindsight.core.figures import DETECTION_KINDS as CORE_DETECTION_KINDS
from hindsight.store import mapping
from hindsight.store.event_values import COLUMNS, StoredValues, stored_values
from hindsight.store.tables import events

# The core's kinds, as the stored strings the seeks compare.
CHANGE_KINDS = tuple(sorted(kind.value for kind in CORE_CHANGE_KINDS))
DETECTION_KINDS = tuple(sorted(kind.value for kind in CORE_DETECTION_KINDS))

# Bulk inserts take the events as `event_values` tuples (COLUMNS, in stored form), so no
# per-row type processing runs here, and add the incident and payload ids themselves.
if tuple(c.name for c in events.columns)[3:] != COLUMNS:
    raise RuntimeError("the events table changed: update event_values.COLUMNS to match")
_NAMES = ", ".join(COLUMNS)

# SQLite: one DBAPI `executemany`. The ids are integers written into the statement (the same
# for every row); the row count of an `ON CONFLICT DO NOTHING` insert is what was new.
_SQLITE_INSERT = (
    f"INSERT INTO events (incident_id, payload_id, {_NAMES}) VALUES ({{incident}}, {{payload}}, "
    + ", ".join("?" for _ in COLUMNS)
    + ") ON CONFLICT (incident_id, key) DO NOTHING"
)

# PostgreSQL: binary COPY into a temporary table (no text formatting of each value here, no
# parsing of it there), then one INSERT … SELECT with the ids bound. Each column's staging
# type and COPY type; the JSON columns travel as text and become json in the INSERT.
_STAGE_TYPES = {
    "key": ("text", "text"),
    "at": ("timestamptz", "timestamptz"),
    "source": ("text", "text"),
    "kind": ("text", "text"),
    "text": ("text", "text"),
    "actor": ("text", "text"),
    "actor_is_bot": ("boolean", "bool"),
    "services": ("text", "text"),
    "link": ("text", "text"),
    "raw": ("text", "text"),
    "refs": ("text", "text"),
    "subject": ("text", "text"),
    "fact": ("text", "text"),
    "fidelity": ("integer", "int4"),
}
_STAGE = "hindsight_events_stage"
_STAGE_DDL = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_STAGE} (ord integer NOT NULL, "
    + ", ".join(f"{name} {_STAGE_TYPES[name][0]}" for name in COLUMNS)
    + ")"
)
_STAGE_COPY = f"COPY {_STAGE} (ord, {_NAMES}) FROM STDIN (FORMAT BINARY)"
_STAGE_COPY_TYPES = ["int4", *(_STAGE_TYPES[name][1] for name in COLUMNS)]
_STAGE_INSERT = (
    f"INSERT INTO events (incident_id, payload_id, {_NAMES}) "
    "SELECT %(incident)s, %(payload)s, "
    + ", ".join(f"{n}::json" if n in ("services", "refs") else n for n in COLUMNS)
    + f" FROM {_STAGE} ORDER BY ord ON CONFLICT (incident_id, key) DO NOTHING"
)
_STAGE_CLEAR = f"TRUNCATE {_STAGE}"


# The statements every webhook delivery runs, built once: building a statement and its cache
# key costs more than running it.

_GROUP = (
    events.c.incident_id == bindparam("incident_id"),
    events.c.kind == bindparam("kind"),
)
_FIRST_SOURCE = select(events.c.source).where(*_GROUP).order_by(events.c.source).limit(1)
_NEXT_SOURCE = (
    select(events.c.source)
    .where(*_GROUP, events.c.source > bindparam("source"))
    .order_by(events.c.source)
    .limit(1)
)
_OF_SOURCE = (*_GROUP, events.c.source == bindparam("source"))
_FIRST_OF = (
    select(events.c.id, events.c.at).where(*_OF_SOURCE).order_by(events.c.at, events.c.id).limit(1)
)
_LAST_OF = (
    select(events.c.id).where(*_OF_SOURCE).order_by(events.c.at.desc(), events.c.id.desc()).limit(1)
)
_COUNT_EVENTS = select(func.count()).where(events.c.incident_id == bindparam("incident_id"))
_EVENTS_SINCE = (
    select(events)
    .where(events.c.incident_id == bindparam("incident_id"), events.c.id > bindparam("after_id"))
    .order_by(events.c.id)
)


class EventRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, incident_id: int, found: Iterable[Event], payload_id: int | None) -> int:
        """Insert events in order, skipping keys the incident already has (and repeats within
        `found`: the first one wins); the number inserted."""
        values = stored_values(found, self.connection.dialect.name)
        return self.add_values(incident_id, payload_id, values)

    def add_values(self, incident_id: int, payload_id: int | None, values: StoredValues) -> int:
        """`add` for events already in stored form (`event_values.stored_values` for this
        backend, built wherever they were parsed)."""
        if not values:
            return 0
        if self.connection.dialect.name == "postgresql":
            return self._copy_values(incident_id, payload_id, values)
        statement = _SQLITE_INSERT.format(
            incident=int(incident_id),
            payload="NULL" if payload_id is None else int(payload_id),
        )
        return int(self.connection.exec_driver_sql(statement, values).rowcount)

    def _copy_values(self, incident_id: int, payload_id: int | None, values: StoredValues) -> int:
        """PostgreSQL: COPY the rows into a session-private staging table, then one
        INSERT … SELECT … ORDER BY … ON CONFLICT DO NOTHING, whose row count is what was new.
        No per-row statement, parameter binding or key lookup. The staging table is emptied
        before returning; on an error the transaction, and so what was copied, rolls back."""
        self.connection.exec_driver_sql(_STAGE_DDL)
        driver = self.connection.connection.driver_connection
        assert driver is not None
        with driver.cursor() as cursor, cursor.copy(_STAGE_COPY) as copy:
            copy.set_types(_STAGE_COPY_TYPES)
            write = copy.write_row
            for number, row in enumerate(values):
                write((number, *row))
        ids = {"incident": incident_id, "payload": payload_id}
        added = self.connection.exec_driver_sql(_STAGE_INSERT, ids).rowcount
        self.connection.exec_driver_sql(_STAGE_CLEAR)
        return int(added)

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
        of every (kind, source), the first and the last — bounded, whatever the storm's size.

        A storm's are found by seeks on the (incident, kind, source, time) index: the sources
        of each kind by a loose index scan (the next source after the last one found), then
        the first and last event of each — a few dozen probes, not a pass over every event."""
        if self.count(incident_id) <= exact_up_to:
            return list(self.for_incident(incident_id))
        keep: set[int] = set()
        detected = None
        for kind in EventKind:
            where = {"incident_id": incident_id, "kind": kind.value}
            source = self.connection.execute(_FIRST_SOURCE, where).scalar()
            while source is not None:
                group = {**where, "source": source}
                first_id, first_at = self.connection.execute(_FIRST_OF, group).one()
                keep.add(first_id)
                keep.add(self.connection.execute(_LAST_OF, group).scalar_one())
                if kind.value in DETECTION_KINDS and (detected is None or first_at < detected):
                    detected = first_at
                source = self.connection.execute(_NEXT_SOURCE, group).scalar()
        if detected is not None:
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
            keep.update(self.connection.execute(changes).scalars())
        query = (
            select(events).where(events.c.id.in_(sorted(keep))).order_by(events.c.at, events.c.id)
        )
        return [mapping.event_from_row(r) for r in self.connection.execute(query).mappings()]

    def page(
        self,
        incident_id: int,
        *,
        offset: int,
        limit: int,
        source: str = "",
        kind: str = "",
    ) -> tuple[list[Event], int]:
        """One page of the incident's stored events in time order (of one source and kind when
        named), and how many there are in all — an index range, however many events."""
        where = [events.c.incident_id == incident_id]
        if source:
            where.append(events.c.source == source)
        if kind:
            where.append(events.c.kind == kind)
        query = (
            select(events)
            .where(*where)
            .order_by(events.c.at, events.c.id)
            .offset(offset)
            .limit(limit)
        )
        found = [mapping.event_from_row(r) for r in self.connection.execute(query).mappings()]
        total = self.connection.execute(select(func.count()).where(*where)).scalar_one()
        return found, int(total)

    def facets(self, incident_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The sources and the kinds among the incident's events (the page's filters)."""
        query = (
            select(events.c.kind, events.c.source)
            .where(events.c.incident_id == incident_id)
            .group_by(events.c.kind, events.c.source)
        )
        pairs = self.connection.execute(query).all()
        return tuple(sorted({s for _, s in pairs})), tuple(sorted({k for k, _ in pairs}))

    def count(self, incident_id: int | None = None) -> int:
        if incident_id is not None:
            found = self.connection.execute(_COUNT_EVENTS, {"incident_id": incident_id})
            return int(found.scalar_one())
        query = select(func.count()).select_from(events)
        if incident_id is not None:
            query = query.where(events.c.incident_id == incident_id)
        return int(self.connection.execute(query).scalar_one())
