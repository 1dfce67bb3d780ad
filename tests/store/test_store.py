"""Repositories and the unit of work on both backends: round trips, rollback, constraints."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import sqlalchemy as sa

from hindsight.core.events import Actor, Event, EventKind
from hindsight.store.event_values import sqlite_time
from hindsight.store.records import Durations, Instant, Milestones, NewIncident
from hindsight.store.tables import events
from hindsight.store.unit_of_work import UnitOfWork

T0 = dt.datetime(2026, 3, 14, 14, 2, 7, 123456, tzinfo=dt.UTC)


def _event(key: str, at: dt.datetime = T0, **extra: object) -> Event:
    fields: dict[str, object] = {
        "at": at,
        "source": "alertmanager",
        "kind": EventKind.ALERT_FIRING,
        "key": key,
        "text": "HighErrorRate firing",
    }
    fields.update(extra)
    return Event(**fields)  # type: ignore[arg-type]


def test_an_incident_round_trips_with_milestones_to_the_microsecond(uow: UnitOfWork) -> None:
    milestones = Milestones(
        cause=Instant(T0 - dt.timedelta(minutes=7)),
        cause_candidate="deploy of checkout-api v2.3.1",
        first_detection=Instant(T0),
        acknowledged=Instant(T0 + dt.timedelta(seconds=95, microseconds=1)),
    )
    durations = Durations.of_seconds(detection_gap_s=420.0, time_to_acknowledge_s=95.000001)
    with uow:
        made = uow.incidents.add(
            NewIncident("2026-03-14-errors", "Errors", "SEV-2", services=("checkout-api",)), T0
        )
        uow.incidents.set_milestones(made.id, milestones, durations, T0)
        found = uow.incidents.get(made.id)
        uow.commit()
    assert found is not None
    assert found.milestones == milestones
    assert found.durations == durations
    assert found.services == ("checkout-api",)
    assert found.created_at == T0 and found.created_at.tzinfo is dt.UTC


def test_an_event_round_trips_exactly(uow: UnitOfWork) -> None:
    event = _event(
        "am:1",
        actor=Actor("Alertmanager", is_bot=True),
        services=("checkout-api", "payments"),
        link="https://prom/graph?g0.expr=x",
        raw="alerts.json#/alerts/0",
        refs=("am:0",),
        subject="alertmanager:HighErrorRate:checkout-api",
        fact="pd:ack:1",
        fidelity=2,
        text="ünïcødé ✓ — HighErrorRate",
    )
    with uow:
        incident = uow.incidents.add(NewIncident("x", "X"), T0)
        assert uow.events.add(incident.id, [event], None) == 1
        assert list(uow.events.for_incident(incident.id)) == [event]
        uow.commit()


def test_the_same_key_is_stored_once_per_incident_but_may_recur_in_another(
    uow: UnitOfWork,
) -> None:
    with uow:
        a = uow.incidents.add(NewIncident("a", "A"), T0)
        b = uow.incidents.add(NewIncident("b", "B"), T0)
        assert uow.events.add(a.id, [_event("k1"), _event("k2")], None) == 2
        assert uow.events.add(a.id, [_event("k1"), _event("k3")], None) == 1
        assert uow.events.add(b.id, [_event("k1")], None) == 1
        assert uow.events.count(a.id) == 3 and uow.events.count(b.id) == 1
        uow.commit()


def test_a_key_repeated_within_one_batch_is_stored_once_and_the_first_copy_wins(
    uow: UnitOfWork,
) -> None:
    first = _event("k1", text="first", services=("a", "b"), refs=("r",))
    later = _event("k1", text="later")
    batch = [_event("k0"), first, _event("k2"), later, _event("k3", at=T0 - dt.timedelta(1))]
    with uow:
        incident = uow.incidents.add(NewIncident("r", "R"), T0)
        assert uow.events.add(incident.id, batch, None) == 4
        assert uow.events.add(incident.id, batch, None) == 0
        stored = list(uow.events.for_incident(incident.id))
        assert [e.key for e in stored] == ["k3", "k0", "k1", "k2"]  # by time, then input order
        assert stored[2] == first
        uow.commit()


def test_a_failed_bulk_insert_leaves_nothing_and_the_next_one_works(uow: UnitOfWork) -> None:
    with pytest.raises(sa.exc.IntegrityError), uow:
        uow.events.add(999_999, [_event("k1"), _event("k2")], None)
    with uow:
        incident = uow.incidents.add(NewIncident("f", "F"), T0)
        assert uow.events.add(incident.id, [_event("k1")], None) == 1
        assert uow.events.add(incident.id, [_event("k2"), _event("k1")], None) == 1
        assert uow.events.count() == 2
        uow.commit()


def test_naive_event_times_are_refused() -> None:
    with pytest.raises(ValueError, match="UTC"):
        _event("k", at=dt.datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="naive"):
        sqlite_time(dt.datetime(2026, 1, 1))


def test_stored_times_are_sqlalchemys_utc_text_whatever_the_zone() -> None:
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert (
        sqlite_time(dt.datetime(2026, 1, 1, 2, 0, tzinfo=plus_two)) == "2026-01-01 00:00:00.000000"
    )
    assert sqlite_time(dt.datetime(2026, 1, 1, 0, 0, 0, 7, tzinfo=dt.UTC)) == (
        "2026-01-01 00:00:00.000007"
    )


def test_leaving_without_commit_rolls_back_everything(uow: UnitOfWork) -> None:
    with uow:
        incident = uow.incidents.add(NewIncident("gone", "Gone"), T0)
        uow.events.add(incident.id, [_event("k")], None)
    with uow:
        assert uow.incidents.by_slug("gone") is None
        assert uow.events.count() == 0


def test_an_error_inside_the_unit_of_work_leaves_nothing_behind(uow: UnitOfWork) -> None:
    with pytest.raises(RuntimeError), uow:
        uow.incidents.add(NewIncident("half", "Half"), T0)
        raise RuntimeError("boom")
    with uow:
        assert uow.incidents.by_slug("half") is None


def test_deleting_an_incident_deletes_its_events(uow: UnitOfWork) -> None:
    with uow:
        incident = uow.incidents.add(NewIncident("d", "D"), T0)
        uow.events.add(incident.id, [_event("k")], None)
        assert uow.incidents.delete(incident.id)
        assert uow.events.count() == 0
        uow.commit()


def test_foreign_keys_are_enforced(uow: UnitOfWork) -> None:
    with pytest.raises(sa.exc.IntegrityError), uow:
        uow.connection.execute(
            sa.insert(events),
            {
                "incident_id": 999_999,
                "key": "k",
                "at": T0,
                "source": "s",
                "kind": "note",
                "text": "t",
                "actor_is_bot": False,
                "services": [],
                "refs": [],
                "fidelity": 0,
            },
        )


def test_naive_datetimes_are_refused(uow: UnitOfWork) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive"), uow:
        uow.incidents.add(NewIncident("n", "N"), dt.datetime(2026, 1, 1))


def test_incident_correlation_keys_point_at_one_incident(uow: UnitOfWork) -> None:
    with uow:
        a = uow.incidents.add(NewIncident("a", "A"), T0)
        b = uow.incidents.add(NewIncident("b", "B"), T0)
        uow.incidents.add_keys(a.id, ["am:group-1", "pd:P1"])
        uow.incidents.add_keys(b.id, ["am:group-1", "pd:P2"])  # group-1 stays with a
        assert uow.incidents.by_keys(["am:group-1"]) == a.id
        assert uow.incidents.by_keys(["pd:P2"]) == b.id
        assert uow.incidents.by_keys(["nope"]) is None
        uow.commit()


def test_milestone_candidates_of_a_storm_are_bounded_and_keep_what_matters(
    uow: UnitOfWork,
) -> None:
    storm = [
        _event(f"a{i}", T0 + dt.timedelta(seconds=i), services=("api",), subject=f"s{i}")
        for i in range(60)
    ]
    deploys = [
        _event(f"d{i}", T0 - dt.timedelta(minutes=60 - i), kind=EventKind.DEPLOY) for i in range(30)
    ]
    with uow:
        incident = uow.incidents.add(NewIncident("s", "S"), T0)
        uow.events.add(incident.id, [*storm, *deploys], None)
        exact = uow.events.milestone_candidates(incident.id)
        thin = uow.events.milestone_candidates(incident.id, exact_up_to=10, changes_kept=5)
        uow.commit()
    assert len(exact) == 90
    # The latest five deploys before detection, the first deploy, the first and last alert.
    assert [e.key for e in thin] == ["d0", "d25", "d26", "d27", "d28", "d29", "a0", "a59"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_milestone_candidates_of_a_storm_are_the_first_and_last_of_every_kind_and_source(
    uow: UnitOfWork, seed: int
) -> None:
    """Checked against a direct computation over every event: many kinds and sources, times
    that tie (ties go by insertion order), changes either side of the first detection."""
    chooser = random.Random(seed)
    kinds = [EventKind.ALERT_FIRING, EventKind.DEPLOY, EventKind.CHANGE, EventKind.NOTE]
    kinds += [EventKind.PAGE_TRIGGERED, EventKind.RESOLVED]
    found = [
        _event(
            f"k{i}",
            T0 + dt.timedelta(seconds=chooser.randrange(40)),
            kind=chooser.choice(kinds),
            source=chooser.choice(["alertmanager", "github", "pagerduty", "z-tool"]),
        )
        for i in range(300)
    ]
    with uow:
        incident = uow.incidents.add(NewIncident("m", "M"), T0)
        uow.events.add(incident.id, found, None)
        thin = uow.events.milestone_candidates(incident.id, exact_up_to=10, changes_kept=7)
    order = {e.key: (e.at, i) for i, e in enumerate(found)}  # ids follow insertion order
    groups: dict[tuple[EventKind, str], list[Event]] = {}
    for e in found:
        groups.setdefault((e.kind, e.source), []).append(e)
    expected = set()
    for members in groups.values():
        members.sort(key=lambda e: order[e.key])
        expected |= {members[0].key, members[-1].key}
    detected = min(
        e.at for e in found if e.kind in (EventKind.ALERT_FIRING, EventKind.PAGE_TRIGGERED)
    )
    changes = [
        e for e in found if e.kind in (EventKind.DEPLOY, EventKind.CHANGE) and e.at <= detected
    ]
    changes.sort(key=lambda e: order[e.key])
    expected |= {e.key for e in changes[-7:]}
    assert {e.key for e in thin} == expected
    assert [order[e.key] for e in thin] == sorted(order[e.key] for e in thin)


def test_bulk_values_are_stored_exactly_as_sqlalchemys_column_types_store_them(
    uow: UnitOfWork,
) -> None:
    """The bulk path skips SQLAlchemy's type processing: every stored value must still be the
    one an ordinary SQLAlchemy insert of the same event writes (times, JSON, booleans)."""
    event = _event(
        "k",
        at=dt.datetime(2026, 3, 14, 14, 0, 0, 70, tzinfo=dt.UTC),
        actor=Actor("Alertmanager", is_bot=True),
        services=("checkout-api", "ünï"),
        refs=("a", "b"),
    )
    with uow:
        bulk = uow.incidents.add(NewIncident("bulk", "Bulk"), T0)
        plain = uow.incidents.add(NewIncident("plain", "Plain"), T0)
        uow.events.add(bulk.id, [event], None)
        row = {c.name: getattr(event, c.name, None) for c in events.columns if c.name != "id"}
        row |= {"incident_id": plain.id, "payload_id": None, "kind": event.kind.value}
        row |= {"actor": "Alertmanager", "actor_is_bot": True}
        row |= {"services": list(event.services), "refs": list(event.refs)}
        uow.connection.execute(sa.insert(events), [row])
        columns = ", ".join(c.name for c in events.columns if c.name not in ("id", "incident_id"))
        raw = uow.connection.exec_driver_sql(
            f"SELECT {columns} FROM events WHERE incident_id IN ({bulk.id}, {plain.id})"
            " ORDER BY incident_id"
        ).all()
    assert len(raw) == 2 and raw[0] == raw[1]
