"""Group commit of webhook deliveries (`DeliveryWriter`), on SQLite and PostgreSQL: deliveries
waiting together are stored in one transaction, each in a SAVEPOINT of its own, and each is
acknowledged only once that transaction is committed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import pytest
import sqlalchemy as sa

from hindsight.core.errors import UserError
from hindsight.runtime.delivery_writer import DeliveryWriter, Pending
from hindsight.services.errors import NotFoundError
from hindsight.services.ingest import DEFAULT_WINDOW, IngestResult, Parsed, parse
from hindsight.store.engine import open_store
from hindsight.store.unit_of_work import UnitOfWork
from tests.api.server import count_rows


@pytest.fixture
def store(fresh_url: str) -> Iterator[sa.Engine]:
    engine = open_store(fresh_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _alerts(group: str, *fingerprints: str, status: str = "firing") -> Parsed:
    body = {
        "receiver": "hindsight",
        "status": status,
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "HighErrorRate", "service": f"svc-{group}", "pod": f},
                "annotations": {"summary": f"svc-{group} pod {f} 5xx ratio is 12%"},
                "startsAt": "2026-03-14T13:00:00.000Z",
                "endsAt": "2026-03-14T13:05:00.000Z"
                if status == "resolved"
                else "0001-01-01T00:00:00Z",
                "fingerprint": f,
            }
            for f in fingerprints
        ],
        "groupLabels": {"alertname": "HighErrorRate", "service": f"svc-{group}"},
        "commonLabels": {"alertname": "HighErrorRate", "service": f"svc-{group}"},
        "externalURL": "http://127.0.0.1:9093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="HighErrorRate", group="{group}"}}',
    }
    payload = json.dumps(body).encode()
    return parse("alertmanager", payload, name=f"hooks/alertmanager/{group}-{fingerprints}")


def _pending(parsed: Parsed, incident: str | None = None) -> Pending:
    return Pending(parsed, incident, "alertmanager", DEFAULT_WINDOW, Future())


def _commits(engine: sa.Engine) -> list[int]:
    counted: list[int] = []
    sa.event.listen(engine, "commit", lambda _connection: counted.append(1))
    return counted


def _write(engine: sa.Engine, batch: list[Pending], **options: Any) -> list[Any]:
    writer = DeliveryWriter(lambda: UnitOfWork(engine), **options)
    writer.write(batch)
    return [p.future.exception() or p.future.result() for p in batch]


def test_concurrent_deliveries_are_committed_together_and_each_acknowledged(
    store: sa.Engine,
) -> None:
    gate = threading.Event()
    opened = threading.Event()

    def write_uow() -> UnitOfWork:
        opened.set()
        gate.wait(timeout=30)  # the first batch waits: everything else queues meanwhile
        return UnitOfWork(store)

    marked: list[int] = []
    writer = DeliveryWriter(
        write_uow,
        deferred=lambda: True,
        committed=lambda incident, _events: marked.append(incident),
    )
    commits = _commits(store)
    writer.start()
    try:
        first = writer.submit(_alerts("a", "f0"))
        assert first is not None
        assert opened.wait(timeout=30)
        rest = [writer.submit(_alerts(f"g{n}", f"f{n}")) for n in range(1, 12)]
        assert all(f is not None and not f.done() for f in rest)
        gate.set()
        results = [f.result(timeout=30) for f in [first, *rest] if f is not None]
    finally:
        writer.stop()
    assert [r.added for r in results] == [1] * 12
    assert writer.stats.deliveries == 12
    assert writer.stats.batches == 2 == len(commits)  # the first alone, then the 11 waiting
    assert sorted(marked) == sorted(r.incident.id for r in results)
    assert count_rows(store)["events"] == 12
    assert writer.submit(_alerts("late", "x")) is None  # stopped: the caller stores it itself


def test_a_failing_delivery_rolls_back_only_itself(store: sa.Engine) -> None:
    good, bad, unplaced, also_good = (
        _pending(_alerts("b", "f1")),
        _pending(_alerts("c", "f2"), incident="no-such-incident"),
        _pending(_alerts("d", "f3", status="resolved")),  # raises no alarm, matches nothing
        _pending(_alerts("e", "f4")),
    )
    commits = _commits(store)
    outcomes = _write(store, [good, bad, unplaced, also_good])
    assert len(commits) == 1
    assert isinstance(outcomes[0], IngestResult) and outcomes[0].added == 1
    assert isinstance(outcomes[1], NotFoundError)
    assert isinstance(outcomes[2], UserError)
    assert isinstance(outcomes[3], IngestResult) and outcomes[3].added == 1
    rows = count_rows(store)
    assert (rows["events"], rows["payloads"], rows["incidents"]) == (2, 2, 2)


def test_a_batch_that_fails_to_commit_acknowledges_nothing(store: sa.Engine) -> None:
    class Failing(UnitOfWork):
        def commit(self) -> None:
            raise RuntimeError("disk full")

    batch = [_pending(_alerts("f", "f1")), _pending(_alerts("g", "f2"))]
    writer = DeliveryWriter(lambda: Failing(store))
    writer.write(batch)
    for pending in batch:
        with pytest.raises(RuntimeError, match="disk full"):
            pending.future.result(timeout=0)
    assert count_rows(store)["events"] == count_rows(store)["payloads"] == 0


def test_within_a_batch_correlation_and_idempotency_see_the_earlier_deliveries(
    store: sa.Engine,
) -> None:
    first = _alerts("h", "f1", "f2")
    same_group = _alerts("h", "f3")  # the same alert group: the incident the first one opened
    outcomes = _write(store, [_pending(first), _pending(same_group), _pending(first)])
    opened, joined, again = outcomes
    assert isinstance(opened, IngestResult) and opened.created_incident and opened.added == 2
    assert isinstance(joined, IngestResult) and not joined.created_incident
    assert joined.incident.id == opened.incident.id and joined.added == 1
    assert isinstance(again, IngestResult) and again.redelivery and again.added == 0
    rows = count_rows(store)
    assert (rows["incidents"], rows["events"], rows["payloads"]) == (1, 3, 2)
    assert rows["audit_log"] == 1 + 2  # the incident opened, then one row per stored delivery


def _poisoned(parsed: Parsed, text: str) -> Parsed:
    """`parsed` with text no store keeps in its event: what `parse` refuses, forced past it."""
    import dataclasses

    events = tuple(dataclasses.replace(e, text=text) for e in parsed.events)
    return Parsed(parsed.source, parsed.payload, parsed.name, events, parsed.digest, parsed.keys)


def test_a_poison_delivery_in_a_batch_fails_alone_with_an_input_error(
    store: sa.Engine, backend: str
) -> None:
    """What the store refuses (a lone surrogate anywhere; NUL on PostgreSQL, which SQLite
    keeps) fails that delivery alone, as its input error, and the batch-mates commit."""
    from hindsight.sources import SourceError

    batch = [
        _pending(_alerts("h", "f1")),
        _pending(_poisoned(_alerts("i", "f2"), "a\x00b")),
        _pending(_poisoned(_alerts("j", "f3"), "\ud800")),
        _pending(_alerts("k", "f4")),
    ]
    outcomes = _write(store, batch)
    nul_refused = backend == "postgresql"
    assert isinstance(outcomes[0], IngestResult) and isinstance(outcomes[3], IngestResult)
    assert isinstance(outcomes[1], SourceError if nul_refused else IngestResult)
    assert isinstance(outcomes[2], SourceError) and "surrogate" in str(outcomes[2])
    if nul_refused:
        assert "NUL" in str(outcomes[1])
    rows = count_rows(store)
    stored = 2 if nul_refused else 3
    assert (rows["events"], rows["payloads"], rows["incidents"]) == (stored, stored, stored)


def test_when_a_batch_fails_as_a_whole_each_delivery_is_stored_alone(store: sa.Engine) -> None:
    failed: list[int] = []

    class FailsOnce(UnitOfWork):
        def commit(self) -> None:
            if not failed:
                failed.append(1)
                raise RuntimeError("the batch broke")
            super().commit()

    batch = [_pending(_alerts("l", "f1")), _pending(_alerts("m", "f2"))]
    writer = DeliveryWriter(lambda: FailsOnce(store))
    writer.write(batch)
    assert [p.future.result(timeout=0).added for p in batch] == [1, 1]
    assert count_rows(store)["events"] == 2


class _Victim(Exception):
    sqlstate = "40P01"  # what psycopg reports for a deadlock victim


def test_a_batch_picked_as_a_deadlock_victim_is_tried_again_whole(store: sa.Engine) -> None:
    tries: list[int] = []

    class DeadlocksTwice(UnitOfWork):
        def commit(self) -> None:
            tries.append(1)
            if len(tries) <= 2:
                raise sa.exc.OperationalError("COMMIT", {}, _Victim())
            super().commit()

    batch = [_pending(_alerts("v", "f1")), _pending(_alerts("w", "f2"))]
    DeliveryWriter(lambda: DeadlocksTwice(store)).write(batch)
    assert len(tries) == 3  # the batch again, not each delivery alone
    assert [p.future.result(timeout=0).added for p in batch] == [1, 1]
    assert count_rows(store)["events"] == 2


def test_a_deadlock_inside_a_delivery_retries_the_batch_instead_of_failing_it(
    store: sa.Engine,
) -> None:
    raised: list[int] = []

    class DeadlocksOnLock(UnitOfWork):
        def lock(self, names: Any) -> bool:
            names = list(names)
            if len(names) < 4 and not raised:  # a delivery's own lock, inside its savepoint
                raised.append(1)
                raise sa.exc.OperationalError("SELECT pg_advisory_xact_lock", {}, _Victim())
            return super().lock(names)

    batch = [_pending(_alerts("x", "f1")), _pending(_alerts("y", "f2"))]
    DeliveryWriter(lambda: DeadlocksOnLock(store)).write(batch)
    assert raised and [p.future.result(timeout=0).added for p in batch] == [1, 1]
