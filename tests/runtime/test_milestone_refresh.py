"""The refresher's event cache loads only what was stored since it last looked, and loads the
whole incident again whenever the count says something other than additions happened."""

from __future__ import annotations

import pytest

from hindsight.core.events import Event, EventKind, parse_instant
from hindsight.core.timeline import build_timeline
from hindsight.runtime.milestone_refresh import EventCache, MilestoneRefresher, store_milestones
from hindsight.samples import sample_evidence
from hindsight.services.incidents import create_incident
from hindsight.services.ingest import ingest
from hindsight.services.timelines import refresh_milestones, to_records
from hindsight.store.unit_of_work import UnitOfWork, utc_now

EVIDENCE = sample_evidence()


def _all_events(uow: UnitOfWork, incident_id: int) -> list[Event]:
    with uow:
        return list(uow.events.for_incident(incident_id))


def test_the_cache_follows_additions_and_reloads_when_the_count_disagrees(
    uow: UnitOfWork,
) -> None:
    incident = create_incident(uow, title="cache")
    cache = EventCache()
    half = len(EVIDENCE) // 2
    for source, name, data in EVIDENCE[:half]:
        ingest(uow, source, data, name=name, incident=incident.id, refresh=False)
    with uow:
        first = cache.candidates(uow, incident.id)
    assert first == _all_events(uow, incident.id) and cache.full_loads == 1
    for source, name, data in EVIDENCE[half:]:
        ingest(uow, source, data, name=name, incident=incident.id, refresh=False)
    with uow:
        second = cache.candidates(uow, incident.id)
    assert second == _all_events(uow, incident.id) and len(second) > len(first)
    assert cache.full_loads == 1  # only the new events were read

    # As if an event with a lower id had committed after the cache looked (PostgreSQL
    # sequences do not commit in order): the count disagrees, so everything is read again.
    loaded = cache._loaded[incident.id]
    loaded.events.pop(0)
    with uow:
        third = cache.candidates(uow, incident.id)
    assert third == second and cache.full_loads == 2


def test_stored_milestones_equal_the_synchronous_refresh(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="same columns")
    for source, name, data in EVIDENCE:
        ingest(uow, source, data, name=name, incident=incident.id, refresh=False)
    with uow:
        found = EventCache().candidates(uow, incident.id)
    assert found is not None
    store_milestones(uow, incident.id, found)
    with uow:
        deferred = uow.incidents.get(incident.id)
        refresh_milestones(uow, incident.id, utc_now())
        synchronous = uow.incidents.get(incident.id)
    assert deferred is not None and synchronous is not None
    assert (deferred.milestones, deferred.durations) == (
        synchronous.milestones,
        synchronous.durations,
    )
    assert (deferred.milestones, deferred.durations) == to_records(
        build_timeline(_all_events(uow, incident.id)).milestones
    )
    assert deferred.milestones.detected_at is not None


def test_a_deleted_incident_has_no_candidates(uow: UnitOfWork) -> None:
    with uow:
        assert EventCache().candidates(uow, 987_654_321) is None


def test_a_failed_refresh_stays_marked_and_a_late_mark_after_stop_is_refreshed(
    uow: UnitOfWork,
) -> None:
    incident = create_incident(uow, title="retry")
    source, name, data = next(e for e in EVIDENCE if e[0] == "alertmanager")
    ingest(uow, source, data, name=name, incident=incident.id, refresh=False)
    failures = [RuntimeError("database went away")]

    def read() -> UnitOfWork:
        if failures:
            raise failures.pop()
        return uow

    refresher = MilestoneRefresher(read, read)  # the first unit of work asked for fails
    refresher.mark(incident.id)
    with pytest.raises(RuntimeError):
        refresher.flush()
    assert refresher.pending() == {incident.id}
    assert refresher.flush() == 1 and not refresher.pending()
    with uow:
        done = uow.incidents.get(incident.id)
    assert done is not None and done.milestones.detected_at is not None

    refresher.stop()  # never started: stopping only
    other = create_incident(uow, title="late")
    ingest(uow, source, data, name=name, incident=other.id, refresh=False)
    refresher.mark(other.id)  # a delivery that raced the shutdown
    assert not refresher.pending()
    with uow:
        late = uow.incidents.get(other.id)
    assert late is not None and late.milestones.detected_at is not None


def _alert(
    at: str, key: str, *, kind: str = "alert-firing", services: tuple[str, ...] = ("api",)
) -> Event:
    return Event(parse_instant(at), "alertmanager", EventKind(kind), key, key, services=services)


def test_marks_that_cannot_move_a_milestone_are_skipped_and_the_rest_are_not(
    uow: UnitOfWork,
) -> None:
    incident = create_incident(uow, title="storm")
    alerts = [e for e in EVIDENCE if e[0] == "alertmanager"]
    for source, name, data in alerts:
        ingest(uow, source, data, name=name, incident=incident.id, refresh=False)
    refresher = MilestoneRefresher(lambda: uow, lambda: uow)
    refresher.mark(incident.id)
    assert refresher.flush() == 1
    events = _all_events(uow, incident.id)
    first = min(e.at for e in events if e.kind.value == "alert-firing")
    known = next(e.services for e in events if e.kind.value == "alert-firing")
    later = (first.replace(year=first.year + 1)).isoformat()
    earlier = (first.replace(year=first.year - 1)).isoformat()

    repeat = _alert(later, "repeat", services=known)
    refresher.mark(incident.id, [repeat])
    assert not refresher.pending() and refresher.skipped == 1  # a storm's repeat
    with_repeat = build_timeline([*events, repeat]).milestones
    assert to_records(with_repeat) == to_records(build_timeline(events).milestones)
    moving = {
        "earlier detection": _alert(earlier, "early", services=known),
        "a new service": _alert(later, "new", services=("billing",)),
        "a page": _alert(later, "page", kind="page-triggered", services=known),
        "an acknowledgement": _alert(later, "ack", kind="acknowledged", services=known),
        "a resolution": _alert(later, "ok", kind="alert-resolved", services=known),
    }
    for what, event in moving.items():
        refresher.mark(incident.id, [_alert(later, "repeat2", services=known), event])
        assert refresher.pending() == {incident.id}, what
        refresher.flush()
    assert refresher.skipped == 1
