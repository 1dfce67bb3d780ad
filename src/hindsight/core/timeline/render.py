"""A timeline as the template's Timeline section, in the document model.

    All times in UTC.

    - 14:12:03 — Suspected cause: Deploy of main@4f1c2ab to production started (github)
    - 14:33 — Checkout 5xx ratio crossed the 5% SLO threshold (SLO dashboard)
    - 14:36:20 — Detected: HighErrorRate (page) firing [×3 until 14:44] (alertmanager)

The rows that hold the milestones (suspected cause, first detection, acknowledgement,
mitigation, resolution) are always shown, say which milestone they hold and give the second,
so the linter reads the same figures back from the document (`checks.chrono`).

Entries are dated (`2026-03-14 23:58 — …`) when the shown entries span more than one day in
the chosen zone. `document_kinds` decides which kinds go into the document; the rest stay in
the full evidence log (`Timeline.events`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hindsight.core.document.model import BulletList, ListItem, Paragraph, Section
from hindsight.core.events import UTC, Event, EventKind
from hindsight.core.figures import words
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


# Which milestone a row holds (`core.figures.words` labels) and where the timeline keeps it.
MILESTONE_ROWS = (
    ("cause", "cause"),
    ("detection", "first_detection"),
    ("acknowledgement", "acknowledged"),
    ("mitigation", "mitigated"),
    ("resolution", "resolved"),
)


def milestone_of(timeline: Timeline) -> dict[str, str]:
    """Event key → the milestone its row holds."""
    out: dict[str, str] = {}
    for milestone, attr in MILESTONE_ROWS:
        event: Event | None = getattr(timeline.milestones, attr)
        if event is not None:
            out.setdefault(event.key, milestone)
    return out


def is_key_moment(event: Event) -> bool:
    """A person's chat message that records a decision, a diagnosis or a mitigation."""
    return (
        event.kind is EventKind.CHAT_MESSAGE
        and event.actor is not None
        and not event.actor.is_bot
        and words.records_a_key_moment(event.text)
    )


def document_entries(timeline: Timeline, settings: RenderSettings) -> tuple[Entry, ...]:
    """The entries of the kinds the document shows, the key moments of the chat (decisions,
    diagnoses, mitigations people wrote down), and every milestone's own event even when its
    kind is not shown or a storm's first entry stands for it."""
    shown = [
        e
        for e in timeline.entries
        if e.event.kind in settings.document_kinds or is_key_moment(e.event)
    ]
    keys = {e.event.key for e in shown}
    for _, attr in MILESTONE_ROWS:
        event: Event | None = getattr(timeline.milestones, attr)
        if event is not None and event.key not in keys:
            keys.add(event.key)
            shown.append(Entry(event))
    shown.sort(key=lambda e: e.event.order)
    return tuple(shown)


def timeline_section(timeline: Timeline, settings: RenderSettings | None = None) -> Section:
    settings = settings or RenderSettings()
    entries = document_entries(timeline, settings)
    dated = _spans_days(entries, settings.tz)
    marks = milestone_of(timeline)
    items = tuple(
        ListItem(entry_line(e, settings.tz, dated=dated, milestone=marks.get(e.event.key)))
        for e in entries
    )
    blocks: tuple[Paragraph | BulletList, ...] = (Paragraph(zone_line(settings)),)
    if items:
        blocks += (BulletList(items),)
    return Section("Timeline", blocks=blocks)


def zone_line(settings: RenderSettings) -> str:
    if settings.tz_name == "UTC":
        return "All times in UTC."
    return f"All times in {settings.tz_name}."


def entry_line(
    entry: Entry, tz: dt.tzinfo, *, dated: bool = False, milestone: str | None = None
) -> str:
    """`14:39 — Incident #4821 acknowledged (pagerduty)`; a milestone's row to the second and
    labelled with it: `14:39:12 — Acknowledged: Incident #4821 acknowledged (pagerduty)`."""
    event = entry.event
    shown = _clock(event.at, tz, dated, seconds=milestone is not None)
    text = " ".join(event.text.split())  # one line, whatever the source wrote
    if milestone is not None:
        text = words.labelled(milestone, text)
    if entry.count > 1 and entry.until is not None:
        text += f" [×{entry.count} until {_clock(entry.until, tz, dated)}]"
    return f"{shown} — {text} ({event.source})"


def _clock(at: dt.datetime, tz: dt.tzinfo, dated: bool, *, seconds: bool = False) -> str:
    local = at.astimezone(tz)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return local.strftime(f"%Y-%m-%d {clock}" if dated else clock)


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
