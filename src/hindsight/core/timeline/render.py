"""A timeline as the template's Timeline section, in the document model.

    All times in UTC.

    - 14:12 — Deploy of main@4f1c2ab to production started (github)
    - 14:36 — HighErrorRate (page) firing: 5xx ratio is 12% [×3 until 14:44] (alertmanager)

Entries are dated (`2026-03-14 23:58 — …`) when the shown entries span more than one day in
the chosen zone. `document_kinds` decides which kinds go into the document; the rest stay in
the full evidence log (`Timeline.events`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hindsight.core.document.model import BulletList, ListItem, Paragraph, Section
from hindsight.core.events import UTC, EventKind
from hindsight.core.timeline.build import Timeline
from hindsight.core.timeline.milestones import Durations
from hindsight.core.timeline.storms import Entry

# Chat, notifications and notes are evidence, not milestones: they stay in the log by default.
DOCUMENT_KINDS = frozenset(EventKind) - {
    EventKind.CHAT_MESSAGE,
    EventKind.NOTIFICATION_SENT,
    EventKind.NOTE,
    EventKind.OTHER,
}


@dataclass(frozen=True)
class RenderSettings:
    tz: dt.tzinfo = UTC
    tz_name: str = "UTC"
    document_kinds: frozenset[EventKind] = field(default=DOCUMENT_KINDS)


def document_entries(timeline: Timeline, settings: RenderSettings) -> tuple[Entry, ...]:
    return tuple(e for e in timeline.entries if e.event.kind in settings.document_kinds)


def timeline_section(timeline: Timeline, settings: RenderSettings | None = None) -> Section:
    settings = settings or RenderSettings()
    entries = document_entries(timeline, settings)
    dated = _spans_days(entries, settings.tz)
    items = tuple(ListItem(entry_line(e, settings.tz, dated=dated)) for e in entries)
    blocks: tuple[Paragraph | BulletList, ...] = (Paragraph(zone_line(settings)),)
    if items:
        blocks += (BulletList(items),)
    return Section("Timeline", blocks=blocks)


def zone_line(settings: RenderSettings) -> str:
    if settings.tz_name == "UTC":
        return "All times in UTC."
    return f"All times in {settings.tz_name}."


def entry_line(entry: Entry, tz: dt.tzinfo, *, dated: bool = False) -> str:
    event = entry.event
    shown = _clock(event.at, tz, dated)
    text = " ".join(event.text.split())  # one line, whatever the source wrote
    if entry.count > 1 and entry.until is not None:
        text += f" [×{entry.count} until {_clock(entry.until, tz, dated)}]"
    return f"{shown} — {text} ({event.source})"


def _clock(at: dt.datetime, tz: dt.tzinfo, dated: bool) -> str:
    local = at.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M" if dated else "%H:%M")


def _spans_days(entries: tuple[Entry, ...], tz: dt.tzinfo) -> bool:
    days = {e.event.at.astimezone(tz).date() for e in entries}
    days |= {e.until.astimezone(tz).date() for e in entries if e.until is not None}
    return len(days) > 1


DURATION_LABELS = {
    "detection_gap": "Detection gap (suspected cause → detection)",
    "detection_to_ack": "Detection → acknowledgement",
    "detection_to_mitigation": "Detection → mitigation",
    "detection_to_resolution": "Detection → resolution",
    "impact_window": "Impact window",
}


def duration_lines(durations: Durations) -> list[tuple[str, str]]:
    """(label, "24 min") for each duration, "unknown" where a milestone is missing."""
    return [
        (label, format_duration(getattr(durations, name)))
        for name, label in DURATION_LABELS.items()
    ]


def format_duration(delta: dt.timedelta | None) -> str:
    if delta is None:
        return "unknown"
    seconds = int(delta.total_seconds())
    sign = "-" if seconds < 0 else ""
    minutes, secs = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    if minutes:
        return f"{sign}{minutes} min {secs:02d} s" if secs else f"{sign}{minutes} min"
    return f"{sign}{secs} s"
