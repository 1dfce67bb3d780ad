"""Ingest: idempotent, all or nothing, correlated to the right incident."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from hindsight.core.errors import UserError
from hindsight.runtime.bulk_ingest import ingest_lines
from hindsight.samples import sample_evidence
from hindsight.services.incidents import create_incident, get_incident
from hindsight.services.ingest import ingest
from hindsight.services.timelines import incident_timeline
from hindsight.sources import SourceError, get_source
from hindsight.store.tables import TABLES
from hindsight.store.unit_of_work import UnitOfWork

EVIDENCE = sample_evidence()


def _payload(name: str) -> tuple[str, bytes]:
    for source, path, data in EVIDENCE:
        if path == name:
            return source, data
    raise KeyError(name)


def snapshot(uow: UnitOfWork) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    with uow:
        return {
            table.name: [
                tuple(row)
                for row in uow.connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                )
            ]
            for table in TABLES
        }


def ingest_all(uow: UnitOfWork, incident: int) -> None:
    for source, name, data in EVIDENCE:
        ingest(uow, source, data, name=name, incident=incident)


def test_every_sample_payload_three_times_gives_the_same_rows_as_once(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Checkout errors")
    ingest_all(uow, incident.id)
    once = snapshot(uow)
    assert len(once["events"]) > 30 and len(once["payloads"]) > 20
    ingest_all(uow, incident.id)
    ingest_all(uow, incident.id)
    assert snapshot(uow) == once


def test_redelivery_changes_nothing_and_says_so(uow: UnitOfWork) -> None:
    source, data = _payload("pagerduty/webhooks/01-triggered.json")
    first = ingest(uow, source, data, name="a.json")
    assert first.created_incident and first.added == first.received > 0
    again = ingest(uow, source, data, name="a.json")
    assert again.redelivery and not again.changed and again.incident.id == first.incident.id
    assert "already received" in again.describe()
    # PagerDuty's own re-delivery: different bytes, same event id.
    source, other = _payload("pagerduty/webhooks/01-triggered-redelivery.json")
    if other != data:
        repeat = ingest(uow, source, other, name="b.json")
        assert not repeat.changed and repeat.added == 0
        assert "already stored" in repeat.describe()


def test_the_first_alert_opens_an_incident_and_the_group_follows_it(uow: UnitOfWork) -> None:
    source, firing = _payload("alertmanager/01-firing.json")
    _, resolved = _payload("alertmanager/03-resolved.json")
    opened = ingest(uow, source, firing, name="firing.json")
    assert opened.created_incident
    assert opened.incident.services  # taken from the alert
    assert opened.incident.milestones.detected_at is not None
    followed = ingest(uow, source, resolved, name="resolved.json")
    assert not followed.created_incident and followed.incident.id == opened.incident.id
    assert followed.added >= 1


def test_same_service_within_the_window_joins_the_open_incident(uow: UnitOfWork) -> None:
    source, firing = _payload("alertmanager/01-firing.json")
    opened = ingest(uow, source, firing, name="firing.json")
    grafana, alerting = _payload("grafana/01-alerting.json")  # 20 s later, same service
    joined = ingest(uow, grafana, alerting, name="g.json", window=dt.timedelta(minutes=5))
    assert joined.incident.id == opened.incident.id and not joined.created_incident
    # PagerDuty: the trigger joins by service, the acknowledgement by PagerDuty incident id.
    pd, trigger = _payload("pagerduty/webhooks/01-triggered.json")
    _, ack = _payload("pagerduty/webhooks/02-acknowledged.json")
    assert ingest(uow, pd, trigger, name="t.json").incident.id == opened.incident.id
    assert ingest(uow, pd, ack, name="a.json", window=dt.timedelta(0)).incident.id == (
        opened.incident.id
    )


def test_outside_the_window_an_alert_opens_a_new_incident(uow: UnitOfWork) -> None:
    source, firing = _payload("alertmanager/01-firing.json")
    opened = ingest(uow, source, firing, name="firing.json")
    grafana, alerting = _payload("grafana/01-alerting.json")
    later = ingest(uow, grafana, alerting, name="g.json", window=dt.timedelta(seconds=5))
    assert later.created_incident and later.incident.id != opened.incident.id


def test_a_change_with_no_incident_goes_to_the_change_log(uow: UnitOfWork) -> None:
    source, push = _payload("github/01-push.json")
    kept = ingest(uow, source, push, name="push.json")
    assert kept.changed and kept.placed is None and len(kept.changes) == 1
    assert snapshot(uow)["events"] == []  # on no incident until one of its service opens


def test_a_payload_with_no_alert_no_change_and_no_incident_is_refused(uow: UnitOfWork) -> None:
    source, ack = _payload("pagerduty/webhooks/02-acknowledged.json")
    with pytest.raises(UserError, match="--incident"):
        ingest(uow, source, ack, name="ack.json")
    assert snapshot(uow)["events"] == []


def test_a_bad_payload_changes_nothing(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="X")
    before = snapshot(uow)
    with pytest.raises(SourceError):
        ingest(uow, "alertmanager", b'{"version": "4", "alerts": [', incident=incident.id)
    assert snapshot(uow) == before


def test_ingest_sets_milestones_and_the_timeline_query_returns_them(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Checkout errors")
    ingest_all(uow, incident.id)
    stored = get_incident(uow, incident.id)
    found = incident_timeline(uow, incident.id)
    core = found.timeline.milestones
    assert core.first_detection is not None
    assert stored.milestones.detected_at == core.first_detection.at
    if core.resolved is not None:
        assert stored.milestones.resolved_at == core.resolved.at
    if core.suspected_cause is not None:
        assert stored.milestones.cause_at == core.suspected_cause.event.at
        assert stored.durations.detection_gap_s is not None


def _lines(count: int, start: int = 0) -> list[bytes]:
    base = dt.datetime(2026, 3, 14, 14, 0, tzinfo=dt.UTC)
    return [
        (
            f'{{"time": "{(base + dt.timedelta(seconds=i)).isoformat()}", "kind": "alert-firing",'
            f' "service": "checkout-api", "text": "storm {i}", "id": "e{i}"}}\n'
        ).encode()
        for i in range(start, start + count)
    ]


def test_a_json_lines_stream_is_ingested_in_batches_and_resumes(uow: UnitOfWork) -> None:
    lines = _lines(250)
    seen: list[int] = []
    first = ingest_lines(
        uow, "generic", lines[:120], name="storm.jsonl", batch_lines=50, progress=seen.append
    )
    assert first.created_incident and first.batches == 3 and first.added == 120
    assert sum(seen) == sum(len(line) for line in lines[:120])
    # Re-running the whole file: committed batches are recognised, the rest is added.
    again = ingest_lines(uow, "generic", lines, name="storm.jsonl", batch_lines=50)
    assert again.incident is not None and first.incident is not None
    assert again.incident.id == first.incident.id
    assert again.added == 130 and again.redelivered_batches == 2
    with uow:
        assert uow.events.count(first.incident.id) == 250
        stored = set(uow.events.for_incident(first.incident.id))
    # The same events, pointers included, as parsing the whole file at once.
    assert stored == set(get_source("generic").parse("storm.jsonl", b"".join(lines)))
