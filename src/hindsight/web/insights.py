"""The Insights page: the analysis over the store for people who do not use the CLI.

Time to detect and to acknowledge by service and severity, the detection trend by month,
postmortem and follow-up completion, recurring factors and the ranked roadmap; every incident
named links to its page. The numbers are `core.analysis` over `services.analytics`'s records,
the same as `hindsight analyze`; the charts are inline SVG drawn here (no script, offline).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from fastapi import APIRouter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from hindsight.core.analysis import analyze
from hindsight.services.action_items import follow_up_completion
from hindsight.services.analytics import store_records
from hindsight.web.context import viewer, web
from hindsight.web.routing import make_router

WIDTH = 640
LABEL_W = 170
ROW = 24


def bars_svg(rows: Sequence[tuple[str, float | None]], title: str, unit: str = "min") -> Markup:
    """Horizontal bars with their labels left of them and values right; rows without a
    value are left out."""
    shown = [(label, value) for label, value in rows if value is not None]
    if not shown:
        return Markup(f'<p class="muted">{escape(title)}: no data yet.</p>')
    top = max(v for _, v in shown) or 1.0
    height = ROW * len(shown) + 8
    out = [
        f'<svg class="insight-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (label, value) in enumerate(shown):
        y = 4 + index * ROW
        length = (WIDTH - LABEL_W - 70) * value / top
        short = label if len(label) <= 24 else label[:23] + "…"
        out.append(
            f'<text class="bar-label" x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(short)}</text>"
            f'<rect class="bar" x="{LABEL_W}" y="{y + 3}" width="{max(length, 1):.1f}" '
            f'height="{ROW - 8}"/>'
            f'<text class="bar-value" x="{LABEL_W + length + 6:.1f}" y="{y + 15}">'
            f"{value:.0f} {unit}</text>"
        )
    out.append("</svg>")
    return Markup("".join(out))


def _month(month: str) -> int:
    year, number = month.split("-")[:2]
    return int(year) * 12 + int(number) - 1


def months_svg(points: Sequence[tuple[str, float | None]], title: str) -> Markup:
    """Columns by calendar month (a gap of months shows as one); a label is left out where it
    would overlap the one before it."""
    shown = [(m, v) for m, v in points if v is not None]
    if not shown:
        return Markup(f'<p class="muted">{escape(title)}: no data yet.</p>')
    height, base, label_w = 180, 150, 56
    first, last = _month(shown[0][0]), _month(shown[-1][0])
    step = (WIDTH - label_w) / max(last - first + 1, 1)
    column = max(min(step - 2, 28), 2)
    top = max(v for _, v in shown) or 1.0
    out = [
        f'<svg class="insight-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
        f'<line class="axis" x1="0" x2="{WIDTH}" y1="{base}" y2="{base}"/>'
    ]
    label_end = -float("inf")
    for month, value in shown:
        x = (_month(month) - first) * step
        bar = (base - 20) * value / top
        out.append(
            f'<rect class="bar" x="{x:.1f}" y="{base - bar:.1f}" width="{column:.1f}" '
            f'height="{bar:.1f}"><title>{escape(month)}: {value:.0f} min</title></rect>'
        )
        if x >= label_end + 4:
            out.append(f'<text class="month" x="{x:.1f}" y="{base + 18}">{escape(month)}</text>')
            label_end = x + label_w
    out.append("</svg>")
    return Markup("".join(out))


def routes() -> APIRouter:
    router = make_router()

    @router.get("/insights")
    def insights(request: Request) -> Response:
        viewer(request)
        ctx = web(request)
        today = dt.datetime.now(dt.UTC).date()
        records = store_records(ctx.uow())
        analysis = analyze(records, today=today)
        completion = follow_up_completion(ctx.uow(), today)
        titles = {r.id: r.title or r.id for r in analysis.records}
        d = analysis.detection
        charts = {
            "by_service": bars_svg(
                [(g.group, g.median) for g, _ in d.by_service],
                "Median minutes from cause to detection, by service",
            ),
            "by_severity": bars_svg(
                [(g.group, g.median) for g, _ in d.by_severity],
                "Median minutes from cause to detection, by severity",
            ),
            "months": months_svg(
                [(m.month, m.median_detection) for m in d.months],
                "Median minutes from cause to detection, by month",
            ),
        }
        return ctx.render(
            request,
            "insights.html",
            {
                "a": analysis,
                "completion": completion,
                "titles": titles,
                "charts": charts,
                "today": today,
            },
        )

    return router
