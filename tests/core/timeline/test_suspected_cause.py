"""The suspected cause is the last deployment of an affected service before detection: a
push that came after it (not deployed) is not the candidate; without deployments, the last
change is."""

from __future__ import annotations

import datetime as dt

from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.timeline import build_timeline
from hindsight.core.timeline.milestones import find_milestones


def _ev(minute: int, kind: EventKind, key: str, service: str = "checkout-api") -> Event:
    return Event(
        dt.datetime(2026, 3, 14, 14, minute, tzinfo=UTC), "t", kind, key, key, services=(service,)
    )


def test_a_later_push_does_not_displace_the_deployment() -> None:
    events = [
        _ev(0, EventKind.DEPLOY, "deploy"),
        _ev(5, EventKind.CHANGE, "push-to-main"),
        _ev(20, EventKind.ALERT_FIRING, "alert"),
    ]
    m = find_milestones(build_timeline(events).events)
    assert m.suspected_cause is not None and m.suspected_cause.event.key == "deploy"
    assert m.durations.detection_gap == dt.timedelta(minutes=20)


def test_without_a_deployment_the_last_change_is_the_candidate() -> None:
    events = [
        _ev(0, EventKind.CHANGE, "push-1"),
        _ev(5, EventKind.CHANGE, "push-2"),
        _ev(20, EventKind.ALERT_FIRING, "alert"),
    ]
    m = find_milestones(build_timeline(events).events)
    assert m.suspected_cause is not None and m.suspected_cause.event.key == "push-2"


def test_a_deployment_of_another_service_is_not_preferred() -> None:
    events = [
        _ev(0, EventKind.DEPLOY, "deploy-search", service="search"),
        _ev(5, EventKind.CHANGE, "push-checkout"),
        _ev(20, EventKind.ALERT_FIRING, "alert"),
    ]
    m = find_milestones(build_timeline(events).events)
    assert m.suspected_cause is not None and m.suspected_cause.event.key == "push-checkout"
