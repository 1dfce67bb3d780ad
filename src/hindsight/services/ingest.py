"""Evidence in: one payload per transaction, idempotent, placed on an incident.

`ingest` parses the payload first (a `SourceError` leaves the store untouched), then in one
transaction: finds or creates the incident, stores the payload once (by digest) and its events
once per incident (by de-duplication key), remembers the correlation keys, refreshes the
incident's milestones (unless the caller refreshes them later: `refresh=False`, as the
server's webhooks do) and writes one audit row. A re-delivered payload, or one whose events
are all known already, changes nothing, and the result says so.

What is stored is `Evidence`: a payload parsed and keyed. `Parsed` carries the events
themselves (webhooks, single files); a bulk import's batches carry them already in stored
form, built in a parse worker (`bulk_ingest.py`). Both go through `ingest_parsed`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Protocol

from hindsight.core.errors import UserError
from hindsight.core.events import Event, EventKind
from hindsight.core.incident import incident_title
from hindsight.core.plural import plural
from hindsight.services import correlation
from hindsight.services.catalog import canonical_events
from hindsight.services.changes import (
    DEFAULT_LOOKBACK,
    RecordedChange,
    changes_from_payload,
    is_change_only,
    join_changes,
    record_change_in,
)
from hindsight.services.channels import learn_channel_names
from hindsight.services.chat_names import learn_chat_names, told_names
from hindsight.services.correlation import Detection
from hindsight.services.incidents import find_incident, new_incident_in
from hindsight.services.timelines import refresh_milestones
from hindsight.sources import Source, get_source
from hindsight.sources.reading import check_events as check_events  # also for bulk ingest
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork, utc_now

DEFAULT_WINDOW = dt.timedelta(minutes=60)


class NoIncident(UserError):
    """The payload was kept in the change log and joined no incident: there is none to name."""


@dataclass(frozen=True)
class IngestResult:
    placed: Incident | None  # None: a change-only payload that joined no incident
    received: int  # events in the payload
    added: int  # events stored now
    created_incident: bool = False
    redelivery: bool = False  # the identical payload had been received before
    changes: tuple[RecordedChange, ...] = ()  # a change-only payload, kept in the change log
    channels_bound: int = 0  # chat channels the payload's names bound to their incidents
    names_learned: int = 0  # chat user and channel names the payload told (new or changed)

    @property
    def incident(self) -> Incident:
        if self.placed is None:
            raise NoIncident(
                "the payload was kept in the change log; it joined no open incident",
                fix="`hindsight change list` shows it; it joins an incident of its service "
                "when one opens",
            )
        return self.placed

    @property
    def duplicates(self) -> int:
        # A change joining several incidents adds an event to each: never below nothing.
        return max(0, self.received - self.added)

    @property
    def changed(self) -> bool:
        return (
            self.added > 0
            or self.created_incident
            or self.channels_bound > 0
            or self.names_learned > 0
            or any(c.new for c in self.changes)
        )

    def describe(self) -> str:
        if self.changes or self.placed is None:
            bound = f"{self.channels_bound} channel(s) bound to their incident"
            said = [c.describe() for c in self.changes] + ([bound] if self.channels_bound else [])
            if self.names_learned:
                said.append(f"{plural(self.names_learned, 'chat name')} learned")
            return "; ".join(said) or "no change to keep"
        where = f"incident {self.incident.slug}"
        if self.redelivery:
            return f"already received: nothing changed ({where})"
        if not self.changed:
            return f"{_all(self.received)} already stored: nothing changed ({where})"
        new = " (new incident)" if self.created_incident else ""
        return f"{plural(self.added, 'new event')}, {self.duplicates} already stored → {where}{new}"


def digest(source: str, payload: bytes) -> str:
    return hashlib.sha256(source.encode() + b"\0" + payload).hexdigest()


class Evidence(Protocol):
    """A payload parsed and keyed, ready to store (computed before any lock)."""

    @property
    def source_name(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def payload(self) -> bytes: ...
    @property
    def digest(self) -> str: ...
    @property
    def keys(self) -> tuple[str, ...]: ...
    @property
    def labels(self) -> tuple[str, ...]: ...
    @property
    def detection(self) -> Detection: ...

    def store_events(self, uow: UnitOfWork, incident_id: int, payload_id: int) -> int:
        """Insert the events on the incident; the number that were new."""
        ...


@dataclass(frozen=True)
class Parsed:
    """A payload and its events (pure: computed before any lock)."""

    source: Source
    payload: bytes
    name: str
    events: tuple[Event, ...]
    digest: str
    keys: tuple[str, ...]
    labels: tuple[str, ...] = ()  # the firing alerts' labels (the trigger table reads them)
    detection: Detection = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "detection", correlation.detection(self.events))

    @property
    def source_name(self) -> str:
        return self.source.name

    def store_events(self, uow: UnitOfWork, incident_id: int, payload_id: int) -> int:
        return uow.events.add(incident_id, self.events, payload_id)


def parse(source: str | Source, payload: bytes, *, name: str = "payload") -> Parsed:
    """Parse a payload (a `SourceError` if it is not one) and compute its digest and
    correlation keys; touches no store."""
    adapter = get_source(source) if isinstance(source, str) else source
    found = adapter.parse(name, payload)
    keys, labels = correlation.payload_keys(adapter, payload, found)
    check_events(name, found, keys)  # what no store keeps is the payload's fault: 4xx, not 5xx
    return Parsed(adapter, payload, name, found, digest(adapter.name, payload), tuple(keys), labels)


NEW_INCIDENT = "incident:new"  # held by whoever opens an incident until it commits


def lock_names(evidence: Evidence) -> tuple[str, ...]:
    """What storing `evidence` serialises on across processes: its payload's digest and its
    correlation keys (see `UnitOfWork.lock`)."""
    return (f"payload:{evidence.digest}", *(f"key:{k}" for k in evidence.keys))


def ingest(
    uow: UnitOfWork,
    source: str | Source,
    payload: bytes,
    *,
    name: str = "payload",
    incident: int | str | None = None,
    actor: str = "ingest",
    window: dt.timedelta = DEFAULT_WINDOW,
    refresh: bool = True,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
) -> IngestResult:
    """Store one payload's events on an incident, all or nothing; idempotent."""
    parsed = parse(source, payload, name=name)  # pure: nothing is written if this raises
    return commit_evidence(
        uow,
        parsed,
        incident=incident,
        actor=actor,
        window=window,
        refresh=refresh,
        lookback=lookback,
    )


def commit_evidence(
    uow: UnitOfWork,
    evidence: Evidence,
    *,
    incident: int | str | None = None,
    actor: str = "ingest",
    window: dt.timedelta = DEFAULT_WINDOW,
    refresh: bool = True,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
) -> IngestResult:
    """`ingest_parsed` in a transaction of its own, committed only if something changed."""
    with uow:
        result = ingest_parsed(
            uow,
            evidence,
            incident=incident,
            actor=actor,
            window=window,
            refresh=refresh,
            lookback=lookback,
        )
        if result.changed:
            uow.commit()  # else rolled back on leaving: no change
    return result


def ingest_parsed(
    uow: UnitOfWork,
    evidence: Evidence,
    *,
    incident: int | str | None = None,
    actor: str = "ingest",
    window: dt.timedelta = DEFAULT_WINDOW,
    refresh: bool = True,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
) -> IngestResult:
    """`ingest`'s writes inside an open unit of work, which the caller commits if the result
    `changed`, and rolls back otherwise (the payload row may have been written). Services are
    mapped through the catalog first, so every tool's name for a service correlates."""
    evidence = _canonical(uow, evidence)
    found, source = evidence.detection, evidence.source_name
    uow.lock(lock_names(evidence))  # its twin on another server waits, then finds it stored
    target = find_incident(uow, incident) if incident is not None else None
    seen = uow.payloads.find(evidence.digest)
    if seen is not None and (target is None or target.id == seen[1]):
        known = target or find_incident(uow, seen[1])
        return IngestResult(known, found.count, 0, redelivery=True)
    # A chat payload's names, read once: its channels' let the naming convention bind them to
    # their incident before this delivery is placed (so its message joins at once).
    told = told_names(source, evidence.name, evidence.payload)
    bound = learn_channel_names(uow, told.channels, actor=actor) if told and told.channels else 0
    learned = learn_chat_names(uow, source, told)
    names = told.shown if told is not None else {}
    result = _place(uow, evidence, target, seen, bound, actor, window, refresh, lookback, names)
    return dataclasses.replace(result, names_learned=learned) if learned else result


def _place(
    uow: UnitOfWork,
    evidence: Evidence,
    target: Incident | None,
    seen: tuple[int, int] | None,
    bound: int,
    actor: str,
    window: dt.timedelta,
    refresh: bool,
    lookback: dt.timedelta,
    names: dict[str, str],
) -> IngestResult:
    found, key, keys, name = evidence.detection, evidence.digest, evidence.keys, evidence.name
    source = evidence.source_name
    if target is None:
        target = correlation.correlate(uow, keys, found, window)
    if target is None and uow.lock((NEW_INCIDENT,)):
        # Another process may have opened the incident since: look again, now serialised.
        target = correlation.correlate(uow, keys, found, window)
    created = False
    now = utc_now()
    if target is None and bound and found.alarm is None:
        return IngestResult(None, found.count, 0, channels_bound=bound)  # a channel's name
    if target is None and names and found.alarm is None and not _has_messages(evidence):
        return IngestResult(None, found.count, 0)  # a member's profile, a channel renamed
    if target is None and isinstance(evidence, Parsed) and is_change_only(evidence.events):
        return _record_changes(uow, evidence, actor, lookback, now)
    if target is None:
        target = _new_incident(uow, source, name, found, actor, now)
        join_changes(uow, target, found.services, opened=found.earliest, now=now, lookback=lookback)
        created = True
    payload_id = (
        seen[0]
        if seen is not None
        else uow.payloads.add(
            digest=key,
            source=source,
            name=name,
            body=evidence.payload,
            incident_id=target.id,
            now=now,
        )
    )
    added = evidence.store_events(uow, target.id, payload_id)
    if added == 0 and not created:
        return IngestResult(target, found.count, 0)  # the caller rolls back: no change
    # A new incident takes its keys over: a key firing again long after its incident resolved
    # is a new episode (correlation), and the key's later deliveries belong to it.
    (uow.incidents.move_keys if created else uow.incidents.add_keys)(target.id, keys)
    widened = _widen_services(uow, target, found, now, lookback)
    widened = _widen_labels(uow, target, evidence.labels, now) or widened
    if refresh:
        refresh_milestones(uow, target.id, now)
    uow.audit.add(
        at=now,
        actor=actor,
        action="ingest",
        incident_id=target.id,
        detail={
            "source": source,
            "name": name,
            "digest": key,
            "received": found.count,
            "added": added,
        },
    )
    stored = find_incident(uow, target.id) if refresh or widened else target
    return IngestResult(stored, found.count, added, created_incident=created)


def _has_messages(evidence: Evidence) -> bool:
    if not isinstance(evidence, Parsed):
        return True  # a bulk batch: its events are in stored form; treat it as messages
    return any(e.kind is EventKind.CHAT_MESSAGE for e in evidence.events)


class Unplaced(UserError):
    """Nothing ties the payload to an incident and it raises no alarm."""


def _new_incident(
    uow: UnitOfWork, source: str, name: str, found: Detection, actor: str, now: dt.datetime
) -> Incident:
    alarm = found.alarm
    if alarm is None:
        raise Unplaced(
            f"no incident to attach {'this' if found.count == 1 else 'these'} "
            f"{plural(found.count, source + ' event')} to: nothing in the "
            "payload matches a known incident, and it raises no alert or page",
            where=name,
            fix="name the incident: --incident ID (see `hindsight incident list`)",
        )
    return new_incident_in(
        uow,
        title=incident_title(alarm, found.services),
        services=found.services,
        actor=actor,
        now=now,
        reason="incident.open",
        day=alarm.at.date(),
        opened=found.earliest,
    )


def _widen_services(
    uow: UnitOfWork, incident: Incident, found: Detection, now: dt.datetime, lookback: dt.timedelta
) -> bool:
    """Add the services the payload's alerts and pages name (their changes join the incident);
    whether the incident changed."""
    services = tuple(dict.fromkeys((*incident.services, *found.services)))
    if services == incident.services:
        return False
    uow.incidents.update(incident.id, {"services": services}, now)
    new = services[len(incident.services) :]
    join_changes(uow, incident, new, opened=incident.opened_at, now=now, lookback=lookback)
    return True


def _canonical(uow: UnitOfWork, evidence: Evidence) -> Evidence:
    """A parsed payload with its events' services mapped through the catalog. (A bulk batch,
    already in stored form, is stored as it came.)"""
    if not isinstance(evidence, Parsed):
        return evidence
    events = canonical_events(uow, evidence.events)
    return evidence if events is evidence.events else dataclasses.replace(evidence, events=events)


def _record_changes(
    uow: UnitOfWork, parsed: Parsed, actor: str, lookback: dt.timedelta, now: dt.datetime
) -> IngestResult:
    """A change-only payload with no incident named goes to the change log."""
    recorded = tuple(
        record_change_in(uow, change, actor=actor, lookback=lookback, now=now)
        for change in changes_from_payload(parsed.events, parsed.payload)
    )
    placed = next((find_incident(uow, slug) for r in recorded for slug in r.joined), None)
    added = sum(len(r.joined) for r in recorded)
    return IngestResult(placed, len(parsed.events), added, changes=recorded)


MAX_LABELS = 64  # per incident: enough for any alert's identity, bounded for a storm


def _widen_labels(
    uow: UnitOfWork, incident: Incident, found: tuple[str, ...], now: dt.datetime
) -> bool:
    """Add the labels of the payload's firing alerts (the trigger table's SLO rule can match
    on them); whether the incident changed."""
    if not found:
        return False
    labels = tuple(dict.fromkeys((*incident.alert_labels, *found)))[:MAX_LABELS]
    if labels == incident.alert_labels:
        return False
    uow.incidents.update(incident.id, {"alert_labels": list(labels)}, now)
    return True


def _all(count: int) -> str:
    return "the 1 event" if count == 1 else f"all {count} events"
