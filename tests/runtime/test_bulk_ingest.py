"""Bulk ingest of JSON Lines: batches cut the same however the stream is read, parse workers
give exactly what parsing in-process gives, and errors name the line of the whole file."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.errors import UserError
from hindsight.runtime.bulk_ingest import _batches, ingest_lines, read_blocks
from hindsight.services.incidents import create_incident
from hindsight.sources import SourceError, get_source
from hindsight.store.unit_of_work import UnitOfWork


def _reference_batches(data: bytes, size: int) -> list[tuple[int, bytes, int]]:
    """The plain definition: the file's lines one by one (split at LF, as a binary file
    iterates), a batch every `size` non-blank lines, trailing blank lines dropped."""
    out: list[tuple[int, bytes, int]] = []
    chunk: list[bytes] = []
    start = records = 0
    for line in io.BytesIO(data):
        chunk.append(line if line.endswith(b"\n") else line + b"\n")
        records += bool(line.strip())
        if records == size:
            joined = b"".join(chunk)
            out.append((start, joined, len(joined)))
            start, chunk, records = start + len(chunk), [], 0
    if records:
        joined = b"".join(chunk)
        out.append((start, joined, len(joined)))
    return out


_line = st.sampled_from([b'{"a": 1}', b"", b"  ", b"\r", b'{"b": "x y"}', b'  {"c": 2}\r'])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(_line, max_size=40),
    final_newline=st.booleans(),
    size=st.integers(1, 7),
    cuts=st.lists(st.integers(0, 400), max_size=8),
)
def test_batches_are_the_same_however_the_stream_is_split(
    lines: list[bytes], final_newline: bool, size: int, cuts: list[int]
) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    points = sorted({0, len(data), *(c for c in cuts if c <= len(data))})
    pieces = [data[a:b] for a, b in itertools.pairwise(points)]
    assert list(_batches(pieces, size)) == _reference_batches(data, size)


def _export(count: int, start: int = 0) -> bytes:
    base = dt.datetime(2026, 3, 14, 14, 0, tzinfo=dt.UTC)
    rows = []
    for i in range(start, start + count):
        at = (base + dt.timedelta(milliseconds=250 * i)).isoformat().replace("+00:00", "Z")
        kind = "alert-firing" if i % 3 == 0 else "note"
        rows.append(
            f'{{"time": "{at}", "kind": "{kind}", "service": "svc-{i % 4}",'
            f' "text": "event {i}", "actor": "bot", "is_bot": true, "id": "e{i}"}}\n'
        )
    return "".join(rows).encode()


def _stored(uow: UnitOfWork, incident_id: int) -> list[tuple[object, ...]]:
    with uow:
        rows = uow.connection.exec_driver_sql(
            "SELECT e.key, e.at, e.kind, e.text, e.actor, e.actor_is_bot, e.services, e.raw,"
            " e.subject, p.digest FROM events e JOIN payloads p ON p.id = e.payload_id"
            f" WHERE e.incident_id = {incident_id} ORDER BY e.id"
        ).all()
    return [tuple(row) for row in rows]


def test_parse_workers_store_exactly_what_parsing_in_process_stores(uow: UnitOfWork) -> None:
    data = _export(1000)
    pieces = list(read_blocks(io.BytesIO(data), size=777))
    alone = ingest_lines(uow, "generic", pieces, name="a.jsonl", batch_lines=90, workers=0)
    assert alone.incident is not None
    stored_alone = _stored(uow, alone.incident.id)
    # The same export with other ids (other digests), into an incident of its own, parsed by
    # two workers.
    pieces = list(read_blocks(io.BytesIO(data.replace(b'"id": "e', b'"id": "w')), size=500))
    own = create_incident(uow, title="Second copy")
    other = ingest_lines(
        uow, "generic", pieces, name="a.jsonl", incident=own.id, batch_lines=90, workers=2
    )
    assert other.incident is not None and other.incident.id == own.id
    assert (other.batches, other.received, other.added) == (12, 1000, 1000)
    assert alone.created_incident and not other.created_incident
    assert not other.redelivered_batches
    stored_other = _stored(uow, other.incident.id)

    def renamed(row: tuple[object, ...]) -> tuple[object, ...]:
        return (str(row[0]).replace(":w", ":e"), *row[1:-1])

    assert [renamed(r) for r in stored_other] == [r[:-1] for r in stored_alone]
    assert (
        other.incident.services == alone.incident.services == ("svc-0", "svc-3", "svc-2", "svc-1")
    )
    assert other.incident.milestones == alone.incident.milestones
    # Pointers count lines of the whole file, whatever the batch.
    assert stored_alone[999][7] == "a.jsonl#L1000"
    # Again, through workers: every batch recognised, nothing stored.
    again = ingest_lines(
        uow, "generic", pieces, name="a.jsonl", incident=own.id, batch_lines=90, workers=2
    )
    assert (again.added, again.redelivered_batches) == (0, 12)


def test_a_bad_line_in_a_later_batch_names_its_line_and_keeps_the_batches_before(
    uow: UnitOfWork,
) -> None:
    data = _export(300).splitlines(keepends=True)
    data[250] = b'{"time": "2026-03-14T14:00:00", "text": "no zone"}\n'
    with pytest.raises(SourceError) as caught:
        ingest_lines(uow, "generic", data, name="bad.jsonl", batch_lines=100, workers=1)
    assert caught.value.file == "bad.jsonl:251" and "no zone" in str(caught.value)
    with uow:
        assert uow.events.count() == 200  # the two whole batches before it


def test_only_json_lines_sources_can_be_streamed(uow: UnitOfWork) -> None:
    with pytest.raises(UserError, match="cannot be streamed"):
        ingest_lines(uow, "alertmanager", [b"{}\n"], name="x.jsonl")


def test_an_empty_stream_stores_nothing(uow: UnitOfWork) -> None:
    result = ingest_lines(uow, "generic", [b"\n", b"  \n"], name="empty.jsonl", workers=1)
    assert result.incident is None and result.batches == 0
    assert result.describe() == "no events in the input"


def test_the_batch_events_equal_the_whole_file_parsed_at_once(uow: UnitOfWork) -> None:
    data = _export(250)
    result = ingest_lines(uow, "generic", [data], name="w.jsonl", batch_lines=40, workers=1)
    assert result.incident is not None
    with uow:
        stored = set(uow.events.for_incident(result.incident.id))
    assert stored == set(get_source("generic").parse("w.jsonl", data))


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("text", "x\\u0000y", "NUL"), ("actor", "a" * 300, "at most 200")],
)
def test_a_line_no_store_can_keep_is_refused(
    uow: UnitOfWork, field: str, value: str, words: str
) -> None:
    """A NUL escaped in JSON, or a field longer than the store keeps: refused as the webhooks
    refuse it (a `SourceError`, never a database error), and nothing stored."""
    good = (
        b'{"time": "2026-03-14T14:00:00Z", "kind": "alert-firing", "text": "ok", "service": "a"}\n'
    )
    bad = (
        '{"time": "2026-03-14T14:01:00Z", "kind": "note", "text": "t", "service": "a", '
        f'"{field}": "{value}"}}\n'
    ).encode()
    with pytest.raises(SourceError, match=words):
        ingest_lines(uow, "generic", read_blocks(io.BytesIO(good + bad)), name="x.jsonl", workers=0)
    with uow:
        assert uow.events.count() == 0
