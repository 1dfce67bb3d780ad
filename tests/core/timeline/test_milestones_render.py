"""Milestones, durations and the rendered Timeline section, on the sample incident and on
hand-made edge cases."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from hindsight.core.document import parse, render
from hindsight.core.document.model import BulletList, Document, Paragraph
from hindsight.core.document.template import SectionKind
from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.timeline import RenderSettings, build_timeline, timeline_section
from hindsight.core.timeline.milestones import find_milestones
from hindsight.core.timeline.render import format_duration
from hindsight.sources import SOURCES
from tests.sources.helpers import evidence


def _sample() -> list[Event]:
    return [e for source, name, data in evidence() for e in SOURCES[source].parse(name, data)]


def _at(h: int, m: int, s: int = 0, us: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 14, h, m, s, us, tzinfo=UTC)


def test_sample_incident_milestones() -> None:
    m = build_timeline(_sample()).milestones
    assert m.suspected_cause is not None
    cause = m.suspected_cause.event
    assert cause.key == "github:deployment:910002" and cause.at == _at(14, 12, 3)
    assert "candidate" in m.suspected_cause.reasoning
    assert "checkout-api" in m.suspected_cause.reasoning
    assert m.impact_start is not None and m.impact_start.at == _at(14, 32)
    assert m.first_detection is not None and m.first_detection.at == _at(14, 36, 20, 807000)
    assert m.first_page is not None and m.first_page.at == _at(14, 37, 2, 114000)
    assert m.acknowledged is not None and m.acknowledged.at == _at(14, 39, 12, 345000)
    assert m.mitigated is not None and m.mitigated.at == _at(15, 11, 4)
    # The page that started the response is resolved at 15:19; a side alert closed later
    # in another tool does not move the resolution.
    assert m.resolved is not None and m.resolved.at == _at(15, 19, 30, 880000)
    # Durations run between the instants as a timeline row writes them: to the whole second.
    d = m.durations
    assert d.detection_gap == _at(14, 36, 20) - _at(14, 12, 3)
    assert d.detection_to_ack == dt.timedelta(minutes=2, seconds=52)  # 14:36:20 → 14:39:12
    assert d.impact_window == _at(15, 19, 30) - _at(14, 32)


def test_cause_must_touch_an_affected_service() -> None:
    def ev(minute: int, kind: EventKind, key: str, service: str) -> Event:
        return Event(_at(14, minute), "t", kind, key, key, services=(service,))

    events = [
        ev(0, EventKind.DEPLOY, "deploy-checkout", "checkout-api"),
        ev(10, EventKind.DEPLOY, "deploy-search", "search"),
        ev(20, EventKind.ALERT_FIRING, "alert", "checkout-api"),
        ev(30, EventKind.DEPLOY, "deploy-after", "checkout-api"),
    ]
    m = find_milestones(build_timeline(events).events)
    assert m.suspected_cause is not None and m.suspected_cause.event.key == "deploy-checkout"
    none = find_milestones(build_timeline(events[1:]).events)
    assert none.suspected_cause is None and none.durations.detection_gap is None


def test_no_detection_means_no_response_milestones() -> None:
    m = find_milestones([Event(_at(14, 0), "t", EventKind.CHANGE, "c", "c")])
    assert m.first_detection is None and m.durations.detection_to_ack is None


def test_section_renders_through_the_document_model() -> None:
    timeline = build_timeline(_sample())
    section = timeline_section(timeline)
    text = render(Document(sections=(section,)))
    assert text.startswith("## Timeline\n\nAll times in UTC.\n\n- 13:58 — Push to main")
    assert "- 14:37 — Incident #4821 triggered" in text
    # A milestone's row gives the second and says which milestone it holds.
    assert "- 14:39:12 — Acknowledged: Incident #4821 acknowledged (pagerduty)" in text
    assert "- 14:12:03 — Suspected cause: Deploy of main@4f1c2ab to production started" in text
    # Chat stays in the evidence log, but for the key moments people wrote down: a decision,
    # a diagnosis, a mitigation (the moment the cause was found and the rollback decided).
    assert "agreed, rolling back #482 now" in text
    assert "That cap matches the pool change in #482" in text
    assert "Opened for the checkout-api 5xx page" not in text
    reparsed = parse(text)
    assert reparsed.sections[0].kind is SectionKind.TIMELINE
    assert render(reparsed) == text


def test_document_kinds_setting_and_time_zone() -> None:
    timeline = build_timeline(_sample())
    berlin = RenderSettings(
        tz=zoneinfo.ZoneInfo("Europe/Berlin"),
        tz_name="Europe/Berlin",
        document_kinds=frozenset({EventKind.CHAT_MESSAGE}),
    )
    section = timeline_section(timeline, berlin)
    assert section.blocks[0] == Paragraph("All times in Europe/Berlin.")
    items = section.blocks[1]
    assert isinstance(items, BulletList)
    texts = [item.text for item in items.items]
    # The chat messages, and the five milestones' rows whatever their kind: the figures must
    # be readable from the document.
    assert len(texts) == 6 + 5
    assert texts[0].startswith("15:12:03 — Suspected cause: Deploy of main@4f1c2ab")
    assert next(t for t in texts if "Priya Raman in #inc" in t).startswith("15:51 — ")
    assert any(t.startswith("16:19:30 — Resolved: Incident #4821 resolved") for t in texts)


def test_entries_are_dated_when_the_incident_spans_days() -> None:
    events = [
        Event(dt.datetime(2026, 3, 14, 23, 50, tzinfo=UTC), "t", EventKind.ALERT_FIRING, "a", "a"),
        Event(dt.datetime(2026, 3, 15, 0, 20, tzinfo=UTC), "t", EventKind.RESOLVED, "r", "r"),
    ]
    items = timeline_section(build_timeline(events)).blocks[1]
    assert isinstance(items, BulletList)
    assert [i.text for i in items.items] == [
        "2026-03-14 23:50:00 — Detected: a (t)",
        "2026-03-15 00:20:00 — Resolved: r (t)",
    ]


def test_storm_entry_shows_its_count() -> None:
    events = [
        Event(
            _at(14, i), "am", EventKind.ALERT_FIRING, f"a{i}", "HighErrorRate firing", subject="x"
        )
        for i in range(3)
    ]
    items = timeline_section(build_timeline(events)).blocks[1]
    assert isinstance(items, BulletList)
    assert [i.text for i in items.items] == [
        "14:00:00 — Detected: HighErrorRate firing [×3 until 14:02] (am)"
    ]


def test_format_duration() -> None:
    assert format_duration(None) == "unknown"
    assert format_duration(dt.timedelta(seconds=42)) == "42 s"
    assert format_duration(dt.timedelta(minutes=24)) == "24 min"
    assert format_duration(dt.timedelta(minutes=24, seconds=17)) == "24 min 17 s"
    assert format_duration(dt.timedelta(hours=1, minutes=5)) == "1 h 05 min"
