"""The reliability roadmap as one self-contained HTML page with inline SVG charts.

No scripts, no fonts, no CDN: the page opens offline and prints. Charts are drawn here as SVG
elements: the roadmap's leverage, monthly detection medians, slow detections by hour of day
(with the handoff times marked), contributing services, and action items by type.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from hindsight.core.analysis.analyze import Analysis
from hindsight.core.analysis.handoffs import parse_handoff
from hindsight.core.plural import plural
from hindsight.report.roadmap_md import render_markdown

_STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1,h2{line-height:1.2} table{border-collapse:collapse}
td,th{padding:.2rem .6rem;border:1px solid #ccc}
.item{border-left:4px solid #36c;padding:.2rem 1rem;margin:1rem 0}
.kind{font-size:.8em;text-transform:uppercase;color:#555} svg text{font:12px sans-serif}
details{margin-top:2rem} pre{white-space:pre-wrap}
"""


def _bars(labels: Sequence[str], values: Sequence[float], title: str, unit: str = "") -> str:
    """Horizontal bars, each under its full label (a label beside a bar gets cut off)."""
    if not values:
        return f"<p>{escape(title)}: no data.</p>"
    width, row = 640, 36
    top = max(values) or 1.0
    height = row * len(values) + 30
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 24 + index * row
        length = (width - 80) * value / top
        short = label if len(label) <= 96 else label[:95] + "…"
        parts.append(f'<text class="bar-label" x="0" y="{y + 12}">{escape(short)}</text>')
        parts.append(
            f'<rect x="0" y="{y + 16}" width="{max(length, 1):.1f}" height="14" fill="#36c"/>'
        )
        parts.append(f'<text x="{length + 4:.1f}" y="{y + 28}">{value:g}{unit}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _month_index(month: str) -> int:
    year, number = month.split("-")[:2]
    return int(year) * 12 + int(number) - 1


def _by_month(months: Sequence[str], values: Sequence[float], title: str) -> str:
    """Columns placed by calendar month, so a gap of a year looks like one; a month's label is
    left out where it would overlap the one before (its value stays in the column's title)."""
    if not values or not any(values):
        return f"<p>{escape(title)}: no data.</p>"
    width, height, bottom, label_w = 640, 200, 30, 52
    first = _month_index(months[0])
    count = _month_index(months[-1]) - first + 1
    step = (width - label_w) / max(count, 1)
    column = max(min(step - 2, 28), 2)
    top = max(values) or 1.0
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + 20}" '
        f'viewBox="0 0 {width} {height + 20}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    label_end = -float("inf")
    for month, value in zip(months, values, strict=True):
        x = (_month_index(month) - first) * step
        bar = (height - bottom - 30) * value / top
        y = height - bottom - bar + 20
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{column:.1f}" height="{bar:.1f}" '
            f'fill="#36c"><title>{escape(month)}: {value:g}</title></rect>'
        )
        if value and column >= 14:
            parts.append(f'<text x="{x:.1f}" y="{y - 3:.1f}">{value:g}</text>')
        if x >= label_end + 4:
            parts.append(f'<text class="month" x="{x:.1f}" y="{height + 5}">{escape(month)}</text>')
            label_end = x + label_w
    parts.append("</svg>")
    return "".join(parts)


def _columns(
    labels: Sequence[str], values: Sequence[float], title: str, marks: Sequence[int] = ()
) -> str:
    """Vertical columns, e.g. by hour; `marks` are column positions to flag (handoffs)."""
    if not values or not any(values):
        return f"<p>{escape(title)}: no data.</p>"
    width, height, bottom = 640, 200, 30
    step = width / len(values)
    top = max(values) or 1.0
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height + 20}" '
        f'viewBox="0 0 {width} {height + 20}" xmlns="http://www.w3.org/2000/svg">',
        f'<text x="0" y="14" font-weight="bold">{escape(title)}</text>',
    ]
    for position in marks:
        x = position * step
        parts.append(
            f'<rect x="{x:.1f}" y="20" width="{step:.1f}" height="{height - bottom}" '
            'fill="#fd8" opacity="0.6"/>'
        )
    for index, value in enumerate(values):
        bar = (height - bottom - 30) * value / top
        x = index * step
        y = height - bottom - bar + 20
        parts.append(
            f'<rect x="{x + 2:.1f}" y="{y:.1f}" width="{step - 4:.1f}" height="{bar:.1f}" '
            'fill="#36c"/>'
        )
        if value:
            parts.append(f'<text x="{x + 2:.1f}" y="{y - 3:.1f}">{value:g}</text>')
        if len(values) <= 31 or index % 3 == 0:
            parts.append(f'<text x="{x + 2:.1f}" y="{height + 5}">{escape(labels[index])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(analysis: Analysis) -> str:
    period = analysis.period
    span = f"{period[0]} to {period[1]}" if period else "no dates"
    body = [
        "<h1>Reliability roadmap</h1>",
        f"<p>{plural(len(analysis.records), 'incident')}, {escape(span)}. "
        "Ranked by leverage: the impact "
        "of the incidents each pattern explains.</p>",
    ]
    if not analysis.roadmap:
        body.append("<p>No pattern stands out in these incidents.</p>")
    else:
        body.append(
            _bars(
                [i.title for i in analysis.roadmap[:12]],
                [round(i.leverage, 1) for i in analysis.roadmap[:12]],
                "Leverage by roadmap item",
            )
        )
    for rank, item in enumerate(analysis.roadmap, start=1):
        evidence = "".join(
            f"<li>{escape(_describe(analysis, i))}</li>" for i in item.incidents[:10]
        )
        more = f"<li>… and {len(item.incidents) - 10} more</li>" if len(item.incidents) > 10 else ""
        body.append(
            f'<div class="item"><h2>{rank}. {escape(item.title)}</h2>'
            f'<p class="kind">{escape(item.category)} · suggested action: {escape(item.action)}'
            f"</p><p>{escape(item.why)}</p><ul>{evidence}{more}</ul></div>"
        )
    body.append("<h2>Detection</h2>")
    months = analysis.detection.months
    body.append(
        _by_month(
            [m.month for m in months],
            [round(m.median_detection or 0.0) for m in months],
            f"Median minutes from cause to detection, by month (trend: {analysis.detection.trend})",
        )
    )
    slow = set(analysis.detection.slow)
    by_hour = [0.0] * 24
    for record in analysis.records:
        if record.id in slow and record.start_minute_of_day is not None:
            by_hour[record.start_minute_of_day // 60] += 1
    marks = [parse_handoff(h) // 60 for h in analysis.handoffs]
    body.append(
        _columns(
            [f"{h:02d}" for h in range(24)],
            by_hour,
            "Slowly detected incidents by starting hour (UTC); handoffs shaded",
            marks,
        )
    )
    services = [s for s in analysis.services if s.contributing][:10]
    body.append("<h2>Services</h2>")
    body.append(
        _bars(
            [s.name for s in services],
            [len(s.contributing) for s in services],
            "Incidents each service contributed to",
        )
    )
    body.append("<h2>Action items</h2>")
    body.append(
        _bars(
            [t for t, _, _ in analysis.actions.by_type],
            [g + i for _, g, i in analysis.actions.by_type],
            "Action items by type",
        )
    )
    body.append(
        f"<details><summary>Full report (Markdown)</summary><pre>"
        f"{escape(render_markdown(analysis))}</pre></details>"
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Reliability roadmap</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(body)}</body></html>\n"
    )


def _describe(analysis: Analysis, incident: str) -> str:
    record = analysis.record(incident)
    if record is None:
        return incident
    date = record.date.isoformat() if record.date else "undated"
    return f"{date} — {record.title or incident} ({incident})"
