"""The roadmap HTML's charts: months placed by time, their labels apart, bar labels whole."""

from __future__ import annotations

import itertools
import re

from hindsight.report.roadmap_html import _bars, _by_month

MONTH_LABEL = re.compile(r'<text class="month" x="([\d.]+)"[^>]*>([\d-]+)</text>')
COLUMN = re.compile(r'<rect x="([\d.]+)"[^>]*><title>([\d-]+):')


def test_months_are_spaced_by_time_and_their_labels_never_overlap() -> None:
    months = ["2016-01", "2016-02", "2016-03", *(f"{y}-06" for y in range(2017, 2026))]
    svg = _by_month(months, [5.0] * len(months), "Median minutes")
    at = {month: float(x) for x, month in COLUMN.findall(svg)}
    assert len(at) == len(months)
    one_month = at["2016-02"] - at["2016-01"]
    assert (
        abs((at["2017-06"] - at["2016-03"]) - 15 * one_month) < 1.5
    )  # 15 months apart (positions rounded to 0.1)
    labels = [(float(x), m) for x, m in MONTH_LABEL.findall(svg)]
    assert labels[0][1] == "2016-01" and len(labels) >= 8
    for (x0, _), (x1, _) in itertools.pairwise(labels):
        assert x1 - x0 >= 52, labels  # "2026-03" is under 52 px at 12 px
    assert all(x + 52 <= 640 for x, _ in labels)


def test_bar_labels_are_shown_whole_above_their_bars() -> None:
    title = "Detection gaps on checkout-api during deploys of the connection pool settings"
    svg = _bars([title], [3.5], "Leverage")
    assert f'<text class="bar-label" x="0" y="36">{title}</text>' in svg
