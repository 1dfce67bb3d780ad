"""A storm on one incident (SQLite and PostgreSQL): past WHOLE_UP_TO events the page, the events
API and the timeline read an index range and the milestone candidates, never every event —
and the milestones, durations and counts are the ones the whole timeline gives."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from hindsight.core.timeline import build_timeline
from hindsight.samples import sample_evidence
from hindsight.services import UnitOfWork
from hindsight.services import incident_page as page_module
from hindsight.services.incident_page import event_page, incident_snapshot, timeline_view
from hindsight.services.ingest import ingest


def _storm(n: int) -> bytes:
    base = dt.datetime(2026, 3, 14, 14, 40, tzinfo=dt.UTC)
    lines = [
        json.dumps(
            {
                "time": (base + dt.timedelta(seconds=i)).isoformat(),
                "kind": ("alert-firing", "chat-message", "log")[i % 3],
                "source": ("grafana", "slack", "generic")[i % 3],
                "service": "checkout-api",
                "text": f"storm {i}",
                "id": f"storm-{i}",
            }
        )
        for i in range(n)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def storm(uow: UnitOfWork) -> str:
    slug = None
    for source, name, data in sample_evidence():
        slug = ingest(uow, source, data, name=name, incident=slug).incident.slug
    assert slug is not None
    ingest(uow, "generic", _storm(300), name="storm.jsonl", incident=slug)
    return slug


def test_past_the_threshold_the_page_is_an_index_range_with_exact_milestones(
    uow: UnitOfWork, storm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = incident_snapshot(uow, storm, limit=50)
    # Read whole, the page lists the de-duplicated timeline (the sample's live and exported
    # Slack messages, its alert seen by two tools, are one event each).
    assert whole.page.whole and 300 < whole.page.total < whole.events_total
    monkeypatch.setattr(page_module, "WHOLE_UP_TO", 100)
    windowed = incident_snapshot(uow, storm, limit=50)
    assert not windowed.page.whole
    assert windowed.events_total == whole.events_total == windowed.page.total
    assert len(windowed.page.events) == 50 and windowed.page.next_offset == 50
    assert windowed.page.previous_offset is None
    # The milestones and durations are exactly the whole timeline's.
    assert windowed.timeline.milestones == whole.timeline.milestones
    assert windowed.timeline.milestones.durations == whole.timeline.milestones.durations
    assert len(windowed.timeline.events) < windowed.events_total
    # Pages run in time order, cover every event once, and name their payloads.
    seen = []
    offset: int | None = 0
    while offset is not None:
        shown = incident_snapshot(uow, storm, limit=50, offset=offset)
        seen.extend(shown.page.events)
        assert set(shown.payloads) <= {(e.raw or "").partition("#")[0] for e in shown.page.events}
        offset = shown.page.next_offset
    assert len(seen) == windowed.events_total
    assert [e.at for e in seen] == sorted(e.at for e in seen)
    assert len({e.key for e in seen}) == len(seen)
    # Filters are SQL too, with their own totals; the facets come from the store.
    chat = incident_snapshot(uow, storm, limit=50, source="slack", kind="chat-message")
    assert chat.page.total == sum(
        1 for e in seen if e.source == "slack" and e.kind.value == "chat-message"
    )
    assert {e.source for e in chat.page.events} == {"slack"}
    assert {"grafana", "slack", "generic", "alertmanager"} <= set(windowed.sources)
    # Live Slack messages are named on a storm's page as on any other.
    named = [e.text for e in seen if e.source == "slack" and " in #" in e.text]
    assert named and not [t for t in named if "U01PRIYA" in t]


def test_the_events_api_page_and_the_timeline_view(
    uow: UnitOfWork, storm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, small = event_page(uow, storm, offset=0, limit=10)
    monkeypatch.setattr(page_module, "WHOLE_UP_TO", 100)
    incident, large = event_page(uow, storm, offset=10, limit=10)
    assert incident.slug == storm and small.whole and not large.whole
    assert small.total < large.total  # the stored events, not de-duplicated across tools
    assert large.offset == 10 and large.next_offset == 20
    view = timeline_view(uow, storm)
    with uow:
        every = list(uow.events.for_incident(incident.id))
    assert not view.whole and view.events_total == len(every)
    assert view.timeline.milestones == build_timeline(every).milestones
