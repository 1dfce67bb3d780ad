"""PagerDuty: webhook re-deliveries, the REST log, and the two merged without duplicates."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace

from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.timeline import build_timeline
from tests.sources.helpers import evidence, parse, parse_json, payload_json

LOG = "pagerduty/log-entries.json"


def _webhooks() -> list[tuple[str, str, bytes]]:
    return [e for e in evidence("pagerduty") if "/webhooks/" in e[1]]


def _all_webhook_events() -> tuple[Event, ...]:
    return tuple(ev for _, name, _ in _webhooks() for ev in parse("pagerduty", name))


def test_redelivery_is_deduplicated_by_event_id() -> None:
    first = parse("pagerduty", "pagerduty/webhooks/01-triggered.json")
    again = parse("pagerduty", "pagerduty/webhooks/01-triggered-redelivery.json")
    assert [e.key for e in first] == [e.key for e in again]
    assert [replace(e, raw=None) for e in first] == [replace(e, raw=None) for e in again]
    timeline = build_timeline(first + again)
    assert [e.key for e in timeline.events] == ["pagerduty:event:01EVT0TRIG4821"]


def test_webhook_kinds_and_actors() -> None:
    kinds = {e.kind for e in _all_webhook_events()}
    assert kinds == {
        EventKind.PAGE_TRIGGERED,
        EventKind.ACKNOWLEDGED,
        EventKind.PRIORITY_CHANGED,
        EventKind.RESPONDER_ADDED,
        EventKind.NOTE,
        EventKind.RESOLVED,
    }
    (ack,) = parse("pagerduty", "pagerduty/webhooks/02-acknowledged.json")
    assert ack.actor is not None and ack.actor.name == "Priya Raman" and not ack.actor.is_bot
    (trigger,) = parse("pagerduty", "pagerduty/webhooks/01-triggered.json")
    assert trigger.actor is not None and trigger.actor.is_bot  # the service, not a person


def test_rest_log_times_with_account_offset_become_utc() -> None:
    events = parse("pagerduty", LOG)
    ack = next(e for e in events if e.kind is EventKind.ACKNOWLEDGED)
    assert ack.at == dt.datetime(2026, 3, 14, 14, 39, 12, tzinfo=UTC)  # 10:39:12-04:00


def test_rest_and_webhooks_merge_without_duplicates() -> None:
    webhooks = _all_webhook_events()
    log = parse("pagerduty", LOG)
    merged = build_timeline(webhooks + log)
    # Facts both paths tell (trigger, ack, note, resolve) appear once, as the webhook copy
    # (millisecond times); the log adds the two notifications webhooks never send.
    assert len(merged.events) == 6 + 2
    acks = [e for e in merged.events if e.kind is EventKind.ACKNOWLEDGED]
    assert [e.key for e in acks] == ["pagerduty:event:01EVT0ACK04821"]
    assert acks[0].at.microsecond == 345000
    assert sum(e.kind is EventKind.NOTIFICATION_SENT for e in merged.events) == 2
    # Order of arrival does not matter.
    assert build_timeline(log + webhooks) == merged


def test_acknowledgement_log_entry_spelling_is_accepted() -> None:
    body = payload_json(LOG)
    entries = body["log_entries"]
    assert isinstance(entries, list)
    ack = next(e for e in entries if e["type"] == "acknowledge_log_entry")
    ack["type"] = "acknowledgement_log_entry"
    events = parse_json("pagerduty", "log.json", body)
    assert sum(e.kind is EventKind.ACKNOWLEDGED for e in events) == 1


def test_unknown_but_valid_types_are_kept_as_generic_events() -> None:
    body = copy.deepcopy(payload_json("pagerduty/webhooks/02-acknowledged.json"))
    body["event"]["event_type"] = "incident.workflow.started"
    body["event"]["id"] = "01EVTWORKFLOW"
    (event,) = parse_json("pagerduty", "w.json", body)
    assert event.kind is EventKind.OTHER and "incident.workflow.started" in event.text
    log = payload_json(LOG)
    log["log_entries"][0]["type"] = "reach_ack_limit_log_entry"
    events = parse_json("pagerduty", "l.json", log)
    assert events[0].kind is EventKind.OTHER
