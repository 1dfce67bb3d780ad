"""Queries, one repository per aggregate, all on the unit of work's one connection."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hindsight.core.incident import (
    CORRELATABLE_STATUSES,
    DEFAULT_POLICY,
    Policy,
    Repeat,
    postmortem_policy,
)
from hindsight.store import incident_search, mapping
from hindsight.store.records import (
    AuditEntry,
    Durations,
    Incident,
    Instant,
    Milestones,
    NewIncident,
    Payload,
)
from hindsight.store.sql import utc
from hindsight.store.tables import (
    audit_log,
    events,
    incident_keys,
    incident_services,
    incidents,
    payloads,
    postmortems,
)

# What the trigger table reads (core.policy): a change to any of these decides again.
_POLICY_INPUTS = frozenset(
    {
        "severity",
        "customer_visible",
        "impact_s",
        "paged_at",
        "resolved_at",
        "status",
        "opened_at",
        "alert_identity",
        "alert_names",
        "alert_labels",
        "automated_mitigation",
    }
)
_REPEATS_LOOKED_AT = 200  # earlier incidents of one alert identity the flaky rule reads
_SEARCHED = frozenset({"title", "services", "alert_names"})


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
    .where(incidents.c.status.in_(CORRELATABLE_STATUSES))
    .order_by(incidents.c.id.desc())
)
_FIND_PAYLOAD = select(payloads.c.id, payloads.c.incident_id).where(
    payloads.c.digest == bindparam("digest")
)
_ADD_PAYLOAD = insert(payloads).returning(payloads.c.id)
_ADD_AUDIT = insert(audit_log)
_ADD_KEYS = {
    "postgresql": postgresql.insert(incident_keys).on_conflict_do_nothing(index_elements=["key"]),
    "sqlite": sqlite.insert(incident_keys).on_conflict_do_nothing(index_elements=["key"]),
}


class IncidentRepository:
    def __init__(self, connection: Connection, policy: Policy = DEFAULT_POLICY) -> None:
        self.connection = connection
        self.policy = policy

    def add(self, incident: NewIncident, now: dt.datetime) -> Incident:
        row = mapping.new_incident_row(incident) | {
            "created_at": now,
            "updated_at": now,
            # Evidence that opens an incident dates it at once: the server refreshes milestones
            # after the commit, and a channel named for the day (the Slack convention) may
            # arrive before that. Made by hand: now, until its first evidence says otherwise.
            "opened_at": incident.opened_at or now,
        }
        new_id = self.connection.execute(
            insert(incidents).returning(incidents.c.id), row
        ).scalar_one()
        self._set_services(new_id, incident.services)
        self.reindex(new_id)
        return self._settle(new_id)

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

    def search(
        self, query: incident_search.IncidentFilter, *, limit: int, offset: int
    ) -> tuple[list[incident_search.Found], int]:
        return incident_search.search(self.connection, query, limit=limit, offset=offset)

    def all_services(self) -> list[str]:
        return incident_search.all_services(self.connection)

    def update(self, incident_id: int, values: dict[str, Any], now: dt.datetime) -> None:
        if "services" in values:
            values = values | {"services": list(values["services"])}
        self.connection.execute(
            update(incidents).where(incidents.c.id == incident_id).values(**values, updated_at=now)
        )
        if _POLICY_INPUTS & values.keys():
            self._settle(incident_id)
        if "services" in values:
            self._set_services(incident_id, values["services"])
        if _SEARCHED & values.keys():
            self.reindex(incident_id)

    def _set_services(self, incident_id: int, services: Iterable[str]) -> None:
        """The incident's rows in `incident_services` (what the list filters on)."""
        self.connection.execute(
            delete(incident_services).where(incident_services.c.incident_id == incident_id)
        )
        rows = [
            {"service": name, "incident_id": incident_id}
            for name in dict.fromkeys(str(s)[:200] for s in services)
        ]
        if rows:
            self.connection.execute(insert(incident_services), rows)

    def reindex(self, incident_id: int) -> None:
        """Rewrite the incident's searchable text from its title, services and postmortem."""
        row = self.connection.execute(
            select(
                incidents.c.title,
                incidents.c.slug,
                incidents.c.services,
                postmortems.c.markdown,
                incidents.c.alert_names,
            )
            .select_from(
                incidents.outerjoin(postmortems, postmortems.c.incident_id == incidents.c.id)
            )
            .where(incidents.c.id == incident_id)
        ).first()
        if row is None:
            return
        # the alert names too: a search for "HighErrorRate" finds the incident it opened
        names = tuple(row[4] or ())
        text = incident_search.search_text(row[0], row[1], (*row[2], *names), row[3])
        self.connection.execute(
            update(incidents).where(incidents.c.id == incident_id).values(search_text=text)
        )

    def set_milestones(
        self,
        incident_id: int,
        milestones: Milestones[Instant],
        durations: Durations,
        now: dt.datetime,
        *,
        opened_at: dt.datetime | None = None,
        status: str | None = None,
    ) -> None:
        """The figures the evidence gives, with its first instant and the status it implies."""
        values = mapping.milestone_row(milestones, durations)
        if opened_at is not None:
            values["opened_at"] = opened_at
        if status is not None:
            values["status"] = status
        self.update(incident_id, values, now)

    def _settle(self, incident_id: int) -> Incident:
        """Write the trigger table's decision for the incident as it now is (the core decides;
        the row keeps it so the list can filter on it in SQL)."""
        found = self.get(incident_id)
        assert found is not None
        facts = dataclasses.replace(found.facts, repeats=self.repeats(found))
        decided = postmortem_policy(facts, self.policy)
        if decided != found.policy:
            self.connection.execute(
                update(incidents)
                .where(incidents.c.id == incident_id)
                .values(**mapping.policy_row(decided))
            )
            found = dataclasses.replace(found, policy=decided)
        return found

    def repeats(self, incident: Incident) -> tuple[Repeat, ...]:
        """The incidents the same alert identity opened before this one (newest first)."""
        if incident.alert_identity is None:
            return ()
        rows = self.connection.execute(
            select(incidents)
            .where(
                incidents.c.alert_identity == incident.alert_identity,
                incidents.c.id != incident.id,
                incidents.c.opened_at <= incident.opened,
            )
            .order_by(incidents.c.opened_at.desc())
            .limit(_REPEATS_LOOKED_AT)
        ).mappings()
        found = [mapping.incident_from_row(r) for r in rows]
        return tuple(Repeat(i.opened, i.resolved_minutes) for i in found)

    def all_ids(self) -> list[int]:
        return [
            r[0] for r in self.connection.execute(select(incidents.c.id).order_by(incidents.c.id))
        ]

    def settle(self, incident_id: int) -> Incident:
        """Decide the trigger table again (the policy or another incident changed)."""
        return self._settle(incident_id)

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

    def bind_key(self, incident_id: int, key: str) -> bool:
        """Make `key` the incident's, moving it from another incident if it had it; whether
        anything changed."""
        current = self.by_keys([key])
        if current == incident_id:
            return False
        if current is not None:
            self.connection.execute(
                update(incident_keys)
                .where(incident_keys.c.key == key)
                .values(incident_id=incident_id)
            )
        else:
            self.add_keys(incident_id, [key])
        return True

    def active_opened_between(self, start: dt.datetime, end: dt.datetime) -> list[Incident]:
        """Incidents opened in [start, end) that still take evidence (not closed)."""
        rows = self.connection.execute(
            select(incidents)
            .where(
                incidents.c.opened_at >= start,
                incidents.c.opened_at < end,
                incidents.c.status.in_(CORRELATABLE_STATUSES),
            )
            .order_by(incidents.c.id)
        ).mappings()
        return [mapping.incident_from_row(r) for r in rows]

    def move_keys(self, incident_id: int, keys: Iterable[str]) -> None:
        """The keys name this incident from now on (a new episode of an alert whose earlier
        incident was long resolved: later deliveries of the key belong here)."""
        keys = sorted(set(keys))
        if keys:
            self.connection.execute(
                update(incident_keys)
                .where(incident_keys.c.key.in_(keys))
                .values(incident_id=incident_id)
            )
            self.add_keys(incident_id, keys)

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
            (row[0], tuple(row[1]), row[2], utc(row[3]))
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
            .where(incidents.c.status.in_(CORRELATABLE_STATUSES))
            .order_by(incidents.c.id.desc())
        )
        return [
            (mapping.incident_from_row(row), utc(row["last_at"]))
            for row in self.connection.execute(query).mappings()
        ]


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

    def names(self, incident_id: int, only: Iterable[str] | None = None) -> dict[str, int]:
        """Payload name → id (the latest of a name), without reading the bodies; of the names
        in `only` when given (a page of a storm's events names a few of its deliveries)."""
        query = (
            select(payloads.c.name, payloads.c.id)
            .where(payloads.c.incident_id == incident_id)
            .order_by(payloads.c.id)
        )
        if only is not None:
            wanted = sorted(set(only))
            if not wanted:
                return {}
            query = query.where(payloads.c.name.in_(wanted))
        return {name: payload_id for name, payload_id in self.connection.execute(query)}


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
