"""The change log's store: the raw-cursor lookback returns what the SQLAlchemy statement
`LOOKBACK` returns, mapped the same, bounds included, a change naming two services once; the
(source, external id) pair is kept once; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from hindsight.core.changes import ChangeKind, change_from_event, check_change
from hindsight.core.events import UTC, Actor, Event, EventKind
from hindsight.store.changes import LOOKBACK, stored_change
from hindsight.store.unit_of_work import UnitOfWork

T0 = dt.datetime(2026, 3, 14, 12, 0, 0, 123456, tzinfo=UTC)


def test_the_lookback_matches_the_statement_and_keeps_bounds(uow: UnitOfWork) -> None:
    with uow:
        for i, services in enumerate((["a"], ["a", "b"], ["b"], ["c"], ["a"])):
            change = check_change(
                source="api",
                summary=f"change {i}",
                services=services,
                at=T0 + dt.timedelta(hours=i),
                labels={"n": str(i)},
                external_id=f"id-{i}",
            )
            assert uow.changes.add(change, T0) is not None
        event = Event(
            T0 + dt.timedelta(hours=2),
            "github",
            EventKind.DEPLOY,
            "github:deployment:1",
            "Deploy",
            actor=Actor("dana"),
            services=("a",),
            refs=("x",),
        )
        assert uow.changes.add(change_from_event(event, environment="production"), T0)
        since, until = T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=4)
        found = uow.changes.lookback(["a", "b", "a"], since, until)
        expected = [
            stored_change(r)
            for r in uow.connection.execute(
                LOOKBACK, {"services": ["a", "b"], "since": since, "until": until}
            ).mappings()
        ]
        assert found == expected
        assert [s.change.summary for s in found] == ["change 1", "change 2", "Deploy", "change 4"]
        assert found[2].change.event == event and found[2].change.kind is ChangeKind.DEPLOY
        assert found[0].change.labels == (("n", "1"),) and found[0].change.at == since
        assert uow.changes.lookback([], since, until) == []


def test_a_change_is_kept_once_per_source_and_external_id(uow: UnitOfWork) -> None:
    change = check_change(source="api", summary="x", services=["a"], at=T0, external_id="same")
    with uow:
        first = uow.changes.add(change, T0)
        assert first is not None
        assert uow.changes.add(change, T0) is None
        assert uow.changes.find("api", "same") == first
        other = check_change(source="cli", summary="x", services=["a"], at=T0, external_id="same")
        assert uow.changes.add(other, T0) is not None
