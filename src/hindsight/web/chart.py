"""The timeline chart: every event on a time axis, one lane per source, the gap between the
suspected cause and the first detection shaded. Inline SVG made here, so it works offline
and needs no script; every text in it is escaped."""

from __future__ import annotations

import datetime as dt
from html import escape

from hindsight.core.timeline import Timeline
from hindsight.core.timeline.lanes import Lane, lane_of
from hindsight.core.timeline.render import format_duration

WIDTH = 960
LEFT = 130
RIGHT = 20
TOP = 34
LANE_H = 28
AXIS_H = 34
TICKS = 6
MILESTONES = (
    ("detected", "first_detection"),
    ("acknowledged", "acknowledged"),
    ("mitigated", "mitigated"),
    ("resolved", "resolved"),
)


LABEL_ROW_H = 14
CHAR_W = 6.6  # an upper bound of the labels' advance per character at their 11px size


def label_span(x: float, text: str) -> tuple[float, float, str]:
    """Where a label at `x` runs (left, right) and its text-anchor: it starts at its line, or
    ends there when starting would run past the chart's right edge."""
    width = len(text) * CHAR_W
    if x + width > WIDTH - 2:
        return x - width - 2, x + 2, "end"
    return x - 2, x + width + 2, "start"


def label_rows(placed: list[tuple[float, str]]) -> list[int]:
    """A row for each (x, text) label so that no two in one row overlap: each goes into the
    first row whose last label ends before it starts (labels are given left to right)."""
    ends: list[float] = []
    rows: list[int] = []
    for x, text in placed:
        left, right, _ = label_span(x, text)
        row = next((i for i, end in enumerate(ends) if end < left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows.append(row)
    return rows


def _x(at: dt.datetime, start: dt.datetime, span: float) -> float:
    return LEFT + (at - start).total_seconds() / span * (WIDTH - LEFT - RIGHT)


def timeline_svg(timeline: Timeline, *, title: str = "Timeline of the evidence") -> str:
    events = timeline.events
    if not events:
        return '<p class="muted">No evidence yet: nothing to chart.</p>'
    sources = list(dict.fromkeys(e.source for e in events))
    milestones = timeline.milestones
    cause = milestones.suspected_cause.event if milestones.suspected_cause else None
    start, end = events[0].at, events[-1].at
    span = max((end - start).total_seconds(), 60.0)
    bottom = TOP + LANE_H * len(sources)
    marks = [
        (name, found, _x(found.at, start, span))
        for name, attr in MILESTONES
        if (found := getattr(milestones, attr)) is not None
    ]
    texts = [f"{name} {found.at:%H:%M}" for name, found, _ in marks]
    rows = label_rows([(x, text) for (_, _, x), text in zip(marks, texts, strict=True)])
    height = bottom + AXIS_H + (max(rows) + 1) * LABEL_ROW_H if rows else bottom + AXIS_H
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{len(events)} events from {len(sources)} sources between '
        f"{start:%H:%M} and {end:%H:%M} UTC; the full list follows the chart.</desc>",
    ]
    detected = milestones.first_detection
    if cause is not None and detected is not None and detected.at > cause.at:
        x0, x1 = _x(cause.at, start, span), _x(detected.at, start, span)
        gap = format_duration(detected.at - cause.at)
        out.append(
            f'<rect class="gap" x="{x0:.1f}" y="{TOP - 6}" width="{max(x1 - x0, 2):.1f}" '
            f'height="{bottom - TOP + 6}"><title>cause → detection gap: {escape(gap)}</title>'
            "</rect>"
        )
        out.append(
            f'<text class="gap-label" x="{x0 + 4:.1f}" y="{TOP - 12}">'
            f"cause → detection gap {escape(gap)}</text>"
        )
    for lane, source in enumerate(sources):
        y = TOP + lane * LANE_H + LANE_H / 2
        out.append(
            f'<text class="lane" x="{LEFT - 10}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(source)}</text>"
            f'<line class="lane-line" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" '
            f'y2="{y:.1f}"/>'
        )
    # Each milestone's line runs down through the axis to its label, below the time ticks.
    for (name, found, x), text, row in zip(marks, texts, rows, strict=True):
        label_y = bottom + AXIS_H + row * LABEL_ROW_H
        left, right, anchor = label_span(x, text)
        text_x = left + 2 if anchor == "start" else right - 2
        out.append(
            f'<line class="milestone" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 4}" '
            f'y2="{label_y - 10}"><title>{name} {found.at:%H:%M:%S}</title></line>'
            f'<text class="milestone-label" x="{text_x:.1f}" y="{label_y}" '
            f'text-anchor="{anchor}">{escape(text)}</text>'
        )
    lane_y = {s: TOP + i * LANE_H + LANE_H / 2 for i, s in enumerate(sources)}
    for event in events:
        x = _x(event.at, start, span)
        kind = "cause" if lane_of(event) is Lane.CAUSE else "response"
        label = escape(f"{event.at:%H:%M:%S} {event.kind.value}: {event.text[:160]}")
        out.append(
            f'<circle class="ev {kind}" cx="{x:.1f}" cy="{lane_y[event.source]:.1f}" r="5">'
            f"<title>{label}</title></circle>"
        )
    out.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}"/>')
    for i in range(TICKS + 1):
        at = start + dt.timedelta(seconds=span * i / TICKS)
        x = _x(at, start, span)
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">'
            f"{at:%H:%M}</text>"
        )
    out.append("</svg>")
    return "".join(out)
