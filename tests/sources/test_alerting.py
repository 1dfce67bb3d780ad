"""Alertmanager and Grafana: state changes, repeats, episodes, zones, and the zero end time."""

from __future__ import annotations

import copy
import datetime as dt

from hindsight.core.events import UTC, EventKind
from hindsight.core.timeline import build_timeline
from tests.sources.helpers import parse, parse_json, payload, payload_json

FIRING = "alertmanager/01-firing.json"


def test_repeated_notification_is_not_a_new_event() -> None:
    assert payload(FIRING) == payload("alertmanager/02-firing-repeat.json")  # byte for byte
    first = parse("alertmanager", FIRING)
    repeat = parse("alertmanager", "alertmanager/02-firing-repeat.json")
    assert [e.key for e in first] == [e.key for e in repeat]
    assert len(build_timeline(first + repeat).events) == 1


def test_firing_and_resolved_are_two_events_of_one_alert() -> None:
    firing = parse("alertmanager", FIRING)[0]
    resolved = parse("alertmanager", "alertmanager/03-resolved.json")[0]
    assert firing.kind is EventKind.ALERT_FIRING
    assert firing.at == dt.datetime(2026, 3, 14, 14, 36, 20, 807000, tzinfo=UTC)
    assert resolved.kind is EventKind.ALERT_RESOLVED
    assert resolved.at == dt.datetime(2026, 3, 14, 15, 19, 5, 210000, tzinfo=UTC)  # ".21Z"
    assert firing.subject == resolved.subject and firing.key != resolved.key
    assert firing.services == ("checkout-api",)
    assert firing.link is not None and "&g0.tab=1" in firing.link  # \u0026 decoded


def test_same_fingerprint_later_start_is_a_new_episode() -> None:
    body = payload_json(FIRING)
    later = copy.deepcopy(body)
    later["alerts"][0]["startsAt"] = "2026-03-14T16:02:00Z"
    a = parse_json("alertmanager", "a.json", body)
    b = parse_json("alertmanager", "b.json", later)
    assert a[0].key != b[0].key
    assert len(build_timeline(a + b).events) == 2


def test_go_rfc3339_without_fraction_and_newer_fields_are_accepted() -> None:
    body = payload_json(FIRING)
    body["alerts"][0]["startsAt"] = "2026-03-14T14:36:20Z"
    body["notification_reason"] = "repeat interval elapsed"
    body["routeLabels"] = {"severity": "page"}
    (event,) = parse_json("alertmanager", "n.json", body)
    assert event.at == dt.datetime(2026, 3, 14, 14, 36, 20, tzinfo=UTC)


def test_grafana_local_offset_is_normalised_to_utc_keeping_microseconds() -> None:
    (firing,) = parse("grafana", "grafana/01-alerting.json")
    assert firing.at == dt.datetime(2026, 3, 14, 14, 36, 40, 157076, tzinfo=UTC)
    (ok,) = parse("grafana", "grafana/02-ok.json")
    assert ok.kind is EventKind.ALERT_RESOLVED
    assert ok.at == dt.datetime(2026, 3, 14, 15, 20, 10, 500000, tzinfo=UTC)
    assert firing.link is not None and "viewPanel=4" in firing.link


def test_a_group_with_several_alerts_gives_one_event_each() -> None:
    body = payload_json(FIRING)
    other = copy.deepcopy(body["alerts"][0])
    other["fingerprint"] = "0123456789abcdef"
    other["labels"] = {"alertname": "HighErrorRate", "service": "cart-api"}
    body["alerts"].append(other)
    events = parse_json("alertmanager", "g.json", body)
    assert [e.services for e in events] == [("checkout-api",), ("cart-api",)]
