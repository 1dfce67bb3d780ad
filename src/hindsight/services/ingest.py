"""Evidence in: one payload per transaction, idempotent, placed on an incident.

`ingest` parses the payload first (a `SourceError` leaves the store untouched), then in one
transaction: finds or creates the incident, stores the payload once (by digest) and its events
once per incident (by de-duplication key), remembers the correlation keys, refreshes the
incident's milestones (unless the caller refreshes them later: `refresh=False`, as the
server's webhooks do) and writes one audit row. A re-delivered payload, or one whose events
are all known already, changes nothing, and the result says so.

`ingest_lines` streams a JSON Lines export of any size: a batch of lines per transaction,
each batch an ordinary payload, so a crash loses at most the batch in flight and running the
same command again skips what was committed and finishes the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from hindsight.core.errors import UserError
from hindsight.core.events import Event
from hindsight.services import correlation
from hindsight.services.incidents import find_incident, new_incident_in
from hindsight.services.timelines import refresh_milestones
from hindsight.sources import Source, get_source
from hindsight.store import mapping
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork, utc_now

DEFAULT_WINDOW = dt.timedelta(minutes=60)


@dataclass(frozen=True)
class IngestResult:
    incident: Incident
    received: int  # events in the payload
    added: int  # events stored now
    created_incident: bool = False
    redelivery: bool = False  # the identical payload had been received before

    @property
    def duplicates(self) -> int:
        return self.received - self.added

    @property
    def changed(self) -> bool:
        return self.added > 0 or self.created_incident

    def describe(self) -> str:
        where = f"incident {self.incident.slug}"
        if self.redelivery:
            return f"already received: nothing changed ({where})"
        if not self.changed:
            return f"all {self.received} events already stored: nothing changed ({where})"
        new = " (new incident)" if self.created_incident else ""
        return f"{self.added} new events, {self.duplicates} already stored → {where}{new}"


def digest(source: str, payload: bytes) -> str:
    return hashlib.sha256(source.encode() + b"\0" + payload).hexdigest()


@dataclass(frozen=True)
class Parsed:
    """A payload parsed and keyed, ready to store (pure: computed before any lock)."""

    source: Source
    payload: bytes
    name: str
    events: tuple[Event, ...]
    digest: str
    keys: tuple[str, ...]


def parse(source: str | Source, payload: bytes, *, name: str = "payload") -> Parsed:
    """Parse a payload (a `SourceError` if it is not one) and compute its digest and
    correlation keys; touches no store."""
    adapter = get_source(source) if isinstance(source, str) else source
    found = adapter.parse(name, payload)
    keys = tuple(correlation.correlation_keys(adapter.name, payload, found))
    return Parsed(adapter, payload, name, found, digest(adapter.name, payload), keys)


def ingest(
    uow: UnitOfWork,
    source: str | Source,
    payload: bytes,
    *,
    name: str = "payload",
    incident: int | str | None = None,
    actor: str = "ingest",
    window: dt.timedelta = DEFAULT_WINDOW,
    line_offset: int = 0,
    refresh: bool = True,
) -> IngestResult:
    """Store one payload's events on an incident, all or nothing; idempotent."""
    parsed = parse(source, payload, name=name)  # pure: nothing is written if this raises
    with uow:
        result = ingest_parsed(
            uow,
            parsed,
            incident=incident,
            actor=actor,
            window=window,
            line_offset=line_offset,
            refresh=refresh,
        )
        if result.changed:
            uow.commit()  # else rolled back on leaving: no change
    return result


def ingest_parsed(
    uow: UnitOfWork,
    parsed: Parsed,
    *,
    incident: int | str | None = None,
    actor: str = "ingest",
    window: dt.timedelta = DEFAULT_WINDOW,
    line_offset: int = 0,
    refresh: bool = True,
) -> IngestResult:
    """`ingest`'s writes inside an open unit of work, which the caller commits if the result
    `changed`, and rolls back otherwise (the payload row may have been written)."""
    found, key, keys, name = parsed.events, parsed.digest, parsed.keys, parsed.name
    source = parsed.source.name
    target = find_incident(uow, incident) if incident is not None else None
    seen = uow.payloads.find(key)
    if seen is not None and (target is None or target.id == seen[1]):
        known = target or find_incident(uow, seen[1])
        return IngestResult(known, len(found), 0, redelivery=True)
    if target is None:
        target = correlation.correlate(uow, keys, found, window)
    created = False
    now = utc_now()
    if target is None:
        target = _new_incident(uow, source, name, found, actor, now)
        created = True
    payload_id = (
        seen[0]
        if seen is not None
        else uow.payloads.add(
            digest=key,
            source=source,
            name=name,
            body=parsed.payload,
            incident_id=target.id,
            now=now,
        )
    )
    rows = [mapping.event_row(e, target.id, payload_id) for e in found]
    if line_offset:
        _shift_pointers(rows, name, line_offset)
    added = uow.events.add_many(rows)
    if added == 0 and not created:
        return IngestResult(target, len(found), 0)  # the caller rolls back: no change
    uow.incidents.add_keys(target.id, keys)
    widened = _widen_services(uow, target, found, now)
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
            "received": len(found),
            "added": added,
        },
    )
    stored = find_incident(uow, target.id) if refresh or widened else target
    return IngestResult(stored, len(found), added, created_incident=created)


@dataclass(frozen=True)
class StreamResult:
    incident: Incident | None
    batches: int
    received: int
    added: int
    redelivered_batches: int
    created_incident: bool

    def describe(self) -> str:
        if self.incident is None:
            return "no events in the input"
        new = " (new incident)" if self.created_incident else ""
        skipped = (
            f", {self.redelivered_batches} batches already received"
            if self.redelivered_batches
            else ""
        )
        return (
            f"{self.added} new events, {self.received - self.added} already stored in "
            f"{self.batches} batches{skipped} → incident {self.incident.slug}{new}"
        )


def ingest_lines(
    uow: UnitOfWork,
    source: str | Source,
    lines: Iterable[bytes],
    *,
    name: str,
    incident: int | str | None = None,
    actor: str = "ingest",
    window: dt.timedelta = DEFAULT_WINDOW,
    batch_lines: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> StreamResult:
    """Ingest a JSON Lines stream a batch at a time (memory bounded by the batch)."""
    adapter = get_source(source) if isinstance(source, str) else source
    target: Incident | None = None
    batches = received = added = redelivered = 0
    created = False
    for offset, chunk, size in _batches(lines, batch_lines):
        result = ingest(
            uow,
            adapter,
            chunk,
            name=name,
            incident=target.id if target is not None else incident,
            actor=actor,
            window=window,
            line_offset=offset,
            refresh=False,
        )
        target = result.incident
        batches += 1
        received += result.received
        added += result.added
        redelivered += result.redelivery
        created = created or result.created_incident
        if progress is not None:
            progress(size)
    if target is not None and added:
        with uow:
            refresh_milestones(uow, target.id, utc_now())
            uow.commit()
        target = _reload(uow, target.id)
    return StreamResult(target, batches, received, added, redelivered, created)


def _batches(lines: Iterable[bytes], size: int) -> Iterator[tuple[int, bytes, int]]:
    """(lines before the batch, the batch's bytes, bytes consumed); blank lines kept in place
    so line numbers stay true."""
    chunk: list[bytes] = []
    start = 0
    events_in_chunk = 0
    for line in lines:
        chunk.append(line if line.endswith(b"\n") else line + b"\n")
        if line.strip():
            events_in_chunk += 1
        if events_in_chunk >= size:
            data = b"".join(chunk)
            yield start, data, len(data)
            start += len(chunk)
            chunk, events_in_chunk = [], 0
    if events_in_chunk:
        data = b"".join(chunk)
        yield start, data, len(data)


def _shift_pointers(rows: list[dict[str, object]], name: str, offset: int) -> None:
    """Make a batch's line pointers (`file#L12`, `file#/12`) count from the start of the file."""
    prefix = f"{name}#"
    start = len(prefix) + 1
    for row in rows:
        raw = row["raw"]
        if (
            isinstance(raw, str)
            and raw.startswith(prefix)
            and raw[start - 1 : start] in ("L", "/")
            and raw[start:].isdecimal()  # what the pattern's \d+ accepted
        ):
            row["raw"] = f"{raw[:start]}{int(raw[start:]) + offset}"


def _new_incident(
    uow: UnitOfWork, source: str, name: str, found: tuple[Event, ...], actor: str, now: dt.datetime
) -> Incident:
    alarm = correlation.raises_alarm(found)
    if alarm is None:
        raise UserError(
            f"no incident to attach these {len(found)} {source} events to: nothing in the "
            "payload matches a known incident, and it raises no alert or page",
            where=name,
            fix="name the incident: --incident ID (see `hindsight incident list`)",
        )
    services = tuple(
        dict.fromkeys(s for e in found if e.kind in correlation.DETECTION_KINDS for s in e.services)
    )
    return new_incident_in(
        uow,
        title=alarm.text,
        services=services,
        actor=actor,
        now=now,
        reason="incident.open",
        day=alarm.at.date(),
    )


def _widen_services(
    uow: UnitOfWork, incident: Incident, found: tuple[Event, ...], now: dt.datetime
) -> bool:
    """Add the services the payload's alerts and pages name; whether the incident changed."""
    seen = dict.fromkeys(incident.services)
    for event in found:
        if event.kind in correlation.DETECTION_KINDS:
            seen.update(dict.fromkeys(event.services))
    if tuple(seen) == incident.services:
        return False
    uow.incidents.update(incident.id, {"services": tuple(seen)}, now)
    return True


def _reload(uow: UnitOfWork, incident_id: int) -> Incident:
    with uow:
        return find_incident(uow, incident_id)
