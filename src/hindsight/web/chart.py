"""The timeline chart: every event on a time axis, one lane per source, the gap between the
suspected cause and the first detection shaded. Inline SVG made here, so it works offline
and needs no script; every text in it is escaped."""

from __future__ import annotations

import datetime as dt
from html import escape

from hindsight.core.events import Event
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
    height = TOP + LANE_H * len(sources) + AXIS_H
    bottom = TOP + LANE_H * len(sources)
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
    for name, attr in MILESTONES:
        found: Event | None = getattr(milestones, attr)
        if found is not None:
            x = _x(found.at, start, span)
            out.append(
                f'<line class="milestone" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP - 4}" '
                f'y2="{bottom}"><title>{name} {found.at:%H:%M:%S}</title></line>'
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
