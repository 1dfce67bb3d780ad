"""The timeline builder: order independence, idempotence, de-duplication, storms, lanes."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.timeline import Lane, build_timeline
from tests.core.timeline.strategies import BASE, event_lists


@settings(max_examples=300, deadline=None)
@given(event_lists, st.randoms(use_true_random=False))
def test_any_permutation_gives_the_same_timeline(events: list[Event], rnd: random.Random) -> None:
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert build_timeline(shuffled) == build_timeline(events)


@settings(max_examples=300, deadline=None)
@given(event_lists)
def test_building_is_idempotent_and_reimport_changes_nothing(events: list[Event]) -> None:
    timeline = build_timeline(events)
    assert build_timeline(timeline.events) == timeline
    assert build_timeline(events + events) == timeline
    assert build_timeline([*events, *timeline.events]) == timeline


@given(event_lists)
def test_events_are_ordered_with_unique_keys_and_entries_cover_them(events: list[Event]) -> None:
    timeline = build_timeline(events)
    keys = [e.key for e in timeline.events]
    assert len(keys) == len(set(keys))
    assert [e.order for e in timeline.events] == sorted(e.order for e in timeline.events)
    assert sum(entry.count for entry in timeline.entries) == len(timeline.events)
    facts = [e.fact for e in timeline.events if e.fact is not None]
    assert len(facts) == len(set(facts))


def _event(minute: float, kind: EventKind, key: str, **kw: object) -> Event:
    return Event(
        at=BASE + dt.timedelta(minutes=minute),
        source=str(kw.pop("source", "test")),
        kind=kind,
        key=key,
        text=str(kw.pop("text", key)),
        **kw,  # type: ignore[arg-type]
    )


def test_alert_storm_collapses_into_one_entry_with_a_count() -> None:
    storm = [
        _event(i * 0.1, EventKind.ALERT_FIRING, f"fire{i}", subject="HighErrorRate")
        for i in range(500)
    ]
    page = _event(1, EventKind.PAGE_TRIGGERED, "page")
    timeline = build_timeline([*storm, page])
    (alert,) = [e for e in timeline.entries if e.event.kind is EventKind.ALERT_FIRING]
    assert alert.count == 500 and alert.event.key == "fire0"
    assert alert.until == BASE + dt.timedelta(minutes=49.9)
    assert len(timeline.events) == 501  # the full log keeps every one


def test_a_quiet_spell_starts_a_new_storm_entry() -> None:
    events = [_event(m, EventKind.ALERT_FIRING, f"f{m}", subject="s") for m in (0, 5, 10, 40, 41)]
    counts = [e.count for e in build_timeline(events).entries]
    assert counts == [3, 2]


def test_same_instant_ties_put_causes_before_alerts_before_pages() -> None:
    at = 3
    events = [
        _event(at, EventKind.PAGE_TRIGGERED, "a-page", source="a"),
        _event(at, EventKind.ALERT_FIRING, "b-alert", source="b"),
        _event(at, EventKind.DEPLOY, "c-deploy", source="c"),
    ]
    assert [e.key for e in build_timeline(events).events] == ["c-deploy", "b-alert", "a-page"]


def test_cause_and_response_lanes() -> None:
    events = [
        _event(0, EventKind.CHANGE, "change"),
        _event(5, EventKind.DEPLOY, "deploy"),
        _event(20, EventKind.CONDITION, "pool full"),
        _event(24, EventKind.ALERT_FIRING, "alert"),
        _event(25, EventKind.CHAT_MESSAGE, "chat"),
        _event(60, EventKind.MITIGATION, "rollback"),
    ]
    timeline = build_timeline(events)
    assert [e.event.key for e in timeline.cause] == ["change", "deploy", "pool full"]
    assert [e.event.key for e in timeline.response] == ["alert", "chat", "rollback"]
    assert {e.lane for e in timeline.entries} == {Lane.CAUSE, Lane.RESPONSE}


def test_more_complete_copy_of_a_fact_wins() -> None:
    log = _event(2, EventKind.ACKNOWLEDGED, "log:1", fact="inc:ack:2", fidelity=1)
    hook = _event(2.0001, EventKind.ACKNOWLEDGED, "event:9", fact="inc:ack:2", fidelity=2)
    assert build_timeline([log, hook]).events == (hook,)
    assert build_timeline([hook, log]).events == (hook,)


def test_event_constructor_validates() -> None:
    import pytest

    with pytest.raises(ValueError, match="UTC"):
        Event(dt.datetime(2026, 3, 14), "s", EventKind.NOTE, "k", "t")
    with pytest.raises(ValueError, match="UTC"):
        Event(
            dt.datetime(2026, 3, 14, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            "s",
            EventKind.NOTE,
            "k",
            "t",
        )
    with pytest.raises(ValueError, match="key"):
        Event(dt.datetime(2026, 3, 14, tzinfo=UTC), "s", EventKind.NOTE, "", "t")
    with pytest.raises(ValueError, match="tuples"):
        Event(dt.datetime(2026, 3, 14, tzinfo=UTC), "s", EventKind.NOTE, "k", "t", services="x")  # type: ignore[arg-type]


@given(event_lists)
def test_milestones_alone_equal_the_built_timelines(events: list[Event]) -> None:
    from hindsight.core.timeline.build import timeline_milestones

    assert timeline_milestones(events) == build_timeline(events).milestones
