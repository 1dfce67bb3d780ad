"""The analysis must find the patterns planted in generated incidents, at the top of the
roadmap, and must not claim any in a set where nothing was planted."""

from __future__ import annotations

import datetime as dt
from functools import cache

import pytest

from hindsight.core.analysis import Analysis, analyze, record_from_import
from hindsight.core.analysis.synthetic import HANDOFF, PLANTED_FACTOR, PLANTED_SERVICE, generate
from hindsight.core.importing import import_text


@cache
def analysed(planted: bool, seed: int, n: int = 300) -> Analysis:
    docs = generate(n, seed=seed, planted=planted)
    records = [record_from_import(import_text(d.text, name=d.name), d.name) for d in docs]
    today = max(r.date for r in records if r.date) + dt.timedelta(days=1)
    return analyze(records, today=today, handoffs=(HANDOFF, "08:00"))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_patterns_are_the_top_of_the_roadmap(seed: int) -> None:
    analysis = analysed(True, seed)
    top = analysis.roadmap[:3]
    assert {item.category for item in top} == {"factor", "service", "detection"}
    by_category = {item.category: item for item in top}
    assert by_category["service"].title.startswith(PLANTED_SERVICE)
    assert "16:00 handoff" in by_category["detection"].title
    factor = by_category["factor"]
    theme = next(t for t in analysis.themes if factor.title.endswith(t.label))
    assert set(PLANTED_FACTOR) <= set(theme.phrasings)  # five wordings, one theme
    # Each pattern explains about the share it was planted at.
    assert 0.2 <= len(by_category["service"].incidents) / len(analysis.records) <= 0.4
    assert 0.12 <= len(factor.incidents) / len(analysis.records) <= 0.28


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_no_pattern_is_claimed_where_none_was_planted(seed: int) -> None:
    analysis = analysed(False, seed)
    assert analysis.roadmap == ()
    assert not any(c.significant for c in analysis.clusters)


def test_handoff_is_found_without_being_configured_as_an_hour_cluster() -> None:
    docs = generate(300, seed=4)
    records = [record_from_import(import_text(d.text, name=d.name), d.name) for d in docs]
    analysis = analyze(records, today=dt.date(2026, 1, 1))
    hours = [c for c in analysis.clusters if c.significant and c.dimension == "hour"]
    assert hours and hours[0].bucket[:2] in {"15", "16"}
    assert any(i.title.startswith("Slow detection at 1") for i in analysis.roadmap)


def test_since_filters_by_date_and_counts_undated() -> None:
    analysis = analysed(True, 1)
    later = analyze(
        [*analysis.records, analysis.records[0].__class__(id="undated")],
        today=analysis.today,
        since=dt.date(2025, 1, 1),
    )
    assert all(r.date and r.date >= dt.date(2025, 1, 1) for r in later.records)
    assert later.skipped_undated == 1
    assert 100 < len(later.records) < 200


def test_repeats_point_at_earlier_incidents_of_the_same_service_and_theme() -> None:
    analysis = analysed(True, 1)
    assert analysis.repeats
    order = {r.id: (r.date, r.id) for r in analysis.records}
    for repeat in analysis.repeats:
        assert all(order[e] < order[repeat.incident] for e in repeat.earlier)
