"""A JSON Lines export of any size into the store: `ingest_lines`.

The stream is cut into batches of `batch_lines` records, and each batch is an ordinary
payload in a transaction of its own (idempotent by its digest, placed on an incident exactly
as `ingest` places one): a crash loses at most the batch in flight, and running the same
command again skips what was committed and finishes the rest. Memory is bounded by a few
batches, whatever the size of the file.

Parsing is most of the work, so it runs ahead in worker processes (`process_map`) while this
process writes: a worker parses a batch, computes its digest and correlation keys, and turns
its events into the stored form of the target backend (`store.event_values`); those `Parts`
and the chunk make a `Batch`, stored with one `executemany` (SQLite) or `COPY` (PostgreSQL).
The result is the same as parsing in this process (`workers=0`), batch for batch.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO

from hindsight.core.errors import UserError
from hindsight.runtime.process_map import default_workers, ordered_map
from hindsight.services import correlation
from hindsight.services.correlation import Detection
from hindsight.services.incidents import find_incident
from hindsight.services.ingest import DEFAULT_WINDOW, check_events, commit_evidence, digest
from hindsight.services.timelines import refresh_milestones
from hindsight.sources import Source, get_source
from hindsight.sources.generic import GenericSource
from hindsight.store.event_values import StoredValues, stored_values
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork, utc_now

BLOCK_BYTES = 1 << 20


def read_blocks(handle: BinaryIO, size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """A binary file in blocks: far cheaper to read than line by line."""
    while block := handle.read(size):
        yield block


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


@dataclass(frozen=True)
class Chunk:
    """A batch of lines as read: what a parse worker is sent."""

    source: GenericSource
    name: str
    data: bytes
    first_line: int
    backend: str


@dataclass(frozen=True)
class Parts:
    """What a parse worker sends back for a chunk (not the chunk itself: the caller has it)."""

    digest: str
    keys: tuple[str, ...]
    detection: Detection
    values: StoredValues


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Parsing allocates tens of thousands of objects and creates no reference cycles, so
    the cycle collector's passes over them are pure cost (a fifth of the parse time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_chunk(chunk: Chunk) -> Parts:
    """Parse one batch (pure; runs in a worker process). A `SourceError` names the line of
    the whole file."""
    adapter = chunk.source
    with no_cycle_collection():
        found = adapter.parse(chunk.name, chunk.data, first_line=chunk.first_line)
        keys = tuple(correlation.correlation_keys(adapter.name, chunk.data, found))
        check_events(chunk.name, found, keys)  # what no store keeps, refused as the webhook does
        values = stored_values(found, chunk.backend)
    return Parts(
        digest=digest(adapter.name, chunk.data),
        keys=keys,
        detection=correlation.detection(found),
        values=values,
    )


@dataclass(frozen=True)
class Batch:
    """A parsed chunk, as `Evidence`: its events already in the backend's stored form."""

    chunk: Chunk
    parts: Parts

    @property
    def source_name(self) -> str:
        return self.chunk.source.name

    @property
    def name(self) -> str:
        return self.chunk.name

    @property
    def payload(self) -> bytes:
        return self.chunk.data

    @property
    def digest(self) -> str:
        return self.parts.digest

    @property
    def keys(self) -> tuple[str, ...]:
        return self.parts.keys

    @property
    def labels(self) -> tuple[str, ...]:
        return ()  # JSON Lines exports carry no alert notification's labels

    @property
    def detection(self) -> Detection:
        return self.parts.detection

    def store_events(self, uow: UnitOfWork, incident_id: int, payload_id: int) -> int:
        return uow.events.add_values(incident_id, payload_id, self.parts.values)


def ingest_lines(
    uow: UnitOfWork,
    source: str | Source,
    stream: Iterable[bytes],
    *,
    name: str,
    incident: int | str | None = None,
    actor: str = "ingest",
    window: dt.timedelta = DEFAULT_WINDOW,
    batch_lines: int = 5000,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> StreamResult:
    """Ingest a JSON Lines stream — its bytes in pieces split anywhere: a file's lines, or
    blocks of it (`read_blocks`) — a batch at a time, in memory bounded by a few batches.
    `workers`: parse processes beside this one (default: one per spare CPU; 0: none)."""
    adapter = get_source(source) if isinstance(source, str) else source
    if not isinstance(adapter, GenericSource):
        raise UserError(
            f"{adapter.name} payloads cannot be streamed as JSON Lines",
            where=name,
            fix="stream with the generic source, or ingest the payload whole",
        )
    read: deque[tuple[Chunk, int]] = deque()  # what the workers have, in order

    def chunks() -> Iterator[Chunk]:
        for offset, data, size in _batches(stream, batch_lines):
            chunk = Chunk(adapter, name, data, offset + 1, uow.backend)
            read.append((chunk, size))
            yield chunk

    count = default_workers() if workers is None else workers
    target: Incident | None = None
    batches = received = added = redelivered = 0
    created = False
    for parts in ordered_map(parse_chunk, chunks(), workers=count):
        chunk, size = read.popleft()
        result = commit_evidence(
            uow,
            Batch(chunk, parts),
            incident=target.id if target is not None else incident,
            actor=actor,
            window=window,
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
        with uow:
            target = find_incident(uow, target.id)
    return StreamResult(target, batches, received, added, redelivered, created)


# A blank line after the first (found by scanning for newlines: a `^…$` pattern in MULTILINE
# mode is tried at every byte, fourteen times slower on a block of a megabyte).
_BLANK_LINE = re.compile(rb"\n[ \t\r\f\v]*\n")


def _batches(pieces: Iterable[bytes], size: int) -> Iterator[tuple[int, bytes, int]]:
    """(lines before the batch, the batch's bytes, bytes consumed) for every `size` records
    (non-blank lines) of the stream, which `pieces` may split anywhere. Blank lines are kept
    in place, so line numbers stay true; a batch's bytes depend only on the stream, so a
    re-run cuts the same batches and recognises the ones already stored."""
    batch: list[bytes] = []  # the lines of the batch being filled, without their newlines
    records = start = 0
    tail = b""  # the unfinished last line of what was read so far

    def cut() -> tuple[int, bytes, int]:
        nonlocal batch, records, start
        data = b"\n".join(batch) + b"\n"
        done = (start, data, len(data))
        start, batch, records = start + len(batch), [], 0
        return done

    for piece in pieces:
        data = tail + piece
        end = data.rfind(b"\n")
        if end < 0:
            tail = data
            continue
        lines, tail = data[:end].split(b"\n"), data[end + 1 :]
        first = data[: data.find(b"\n")]
        blank = not first.strip() or _BLANK_LINE.search(data, 0, end + 1) is not None
        if not blank:  # the common case: every line a record
            taken = 0
            while taken < len(lines):
                more = lines[taken : taken + size - records]
                batch += more
                records += len(more)
                taken += len(more)
                if records == size:
                    yield cut()
            continue
        for line in lines:
            batch.append(line)
            if line.strip():
                records += 1
                if records == size:
                    yield cut()
    if tail:  # the last line, without a newline
        batch.append(tail)
        records += bool(tail.strip())
    if records:
        yield cut()
