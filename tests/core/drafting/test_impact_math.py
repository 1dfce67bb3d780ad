"""The impact arithmetic on hand-made series: gaps, NaN, no samples, counter resets, the SLO
window, and what the Impact section says when data is missing."""

from __future__ import annotations

import math

import pytest

from hindsight.core.document import render
from hindsight.core.drafting import Series, ServiceMetrics, draft, figures
from hindsight.core.drafting.impact import increase, riemann, window_requests
from hindsight.core.timeline import build_timeline
from tests.core.drafting.helpers import sample_events


def test_left_riemann_sum_clips_the_last_step_to_the_window() -> None:
    ratio = [(0.0, 0.5), (10.0, 0.5), (20.0, 0.5)]
    rate = [(0.0, 2.0), (10.0, 2.0), (20.0, 2.0)]
    failed, total, covered = riemann(ratio, rate, 10.0, 0.0, 25.0)
    assert (failed, total, covered) == (25.0, 50.0, 25.0)  # 10 + 10 + 5 s of 2 req/s


def test_gaps_and_non_finite_samples_are_left_out_and_reported() -> None:
    ratio = [(0.0, 0.1), (10.0, math.nan), (20.0, 0.2), (30.0, 0.3), (40.0, math.inf)]
    rate = [(0.0, 5.0), (10.0, 5.0), (30.0, 5.0), (40.0, 0.0)]  # no rate at 20
    failed, total, covered = riemann(ratio, rate, 10.0, 0.0, 50.0)
    assert failed == pytest.approx(0.1 * 5 * 10 + 0.3 * 5 * 10)
    assert total == pytest.approx(100.0)  # NaN at 10 and the missing rate at 20 are gaps
    assert covered == 30.0  # 0 req/s at 40 (ratio +Inf) is covered: no traffic


def test_zero_over_zero_is_no_traffic_not_a_gap() -> None:
    assert riemann([(0.0, math.nan)], [(0.0, 0.0)], 60.0, 0.0, 60.0) == (0.0, 0.0, 60.0)


def test_counter_reset_counts_the_value_after_the_restart() -> None:
    points = [(0.0, 100.0), (10.0, 130.0), (20.0, 5.0), (30.0, 25.0)]
    assert increase(points, 0.0, 30.0) == (30.0 + 5.0 + 20.0, 30.0)
    assert increase(points, 15.0, 30.0) == (20.0, 10.0)
    assert increase([], 0.0, 30.0) == (0.0, 0.0)


def _metrics(**changes: object) -> ServiceMetrics:
    base: dict[str, object] = {
        "service": "api",
        "step": 60.0,
        "error_ratio": Series("r", tuple((t * 60.0, 0.1) for t in range(10))),
        "request_rate": Series("q", tuple((t * 60.0, 10.0) for t in range(10))),
        "slo_target": 0.99,
        "slo_window_days": 1.0,
    }
    base.update(changes)
    return ServiceMetrics(**base)  # type: ignore[arg-type]


def test_budget_uses_the_window_series_and_extrapolates_what_it_lacks() -> None:
    window = Series("w", tuple((t * 3600.0, 20.0) for t in range(12)))  # half a day at 20/s
    found = figures(_metrics(window_rate=window, window_step=3600.0), 0.0, 600.0)
    assert found.failed == pytest.approx(600.0) and found.total == pytest.approx(6000.0)
    assert found.budget == pytest.approx(600.0 / (0.01 * 20.0 * 86400))
    assert "extrapolated" in found.budget_basis and "12.0 h" in found.budget_basis
    full = Series("w", tuple((t * 3600.0, 20.0) for t in range(24)))
    requests, basis, ids = window_requests(
        _metrics(window_rate=full, window_step=3600.0), 6000.0, 600.0
    ) or (0.0, "", ())
    assert requests == pytest.approx(20.0 * 86400) and "extrapolated" not in basis and ids == ("w",)


def test_budget_without_a_window_series_uses_the_incident_rate() -> None:
    found = figures(_metrics(), 0.0, 600.0)
    assert found.budget == pytest.approx(600.0 / (0.01 * 10.0 * 86400))
    assert found.budget_basis.startswith("the impact window's mean request rate")


def test_no_samples_means_no_figures() -> None:
    empty = _metrics(error_ratio=Series("r", ()), request_rate=Series("q", ()))
    found = figures(empty, 0.0, 600.0)
    assert not found.has_data and found.fraction is None and found.budget is None


def test_series_and_metrics_validate() -> None:
    with pytest.raises(ValueError, match="time order"):
        Series("x", ((2.0, 1.0), (1.0, 1.0)))
    with pytest.raises(ValueError, match="error_ratio and request_rate"):
        ServiceMetrics("api", 60.0)
    with pytest.raises(ValueError, match="SLO target"):
        _metrics(slo_target=1.5)


def test_impact_section_keeps_placeholders_and_says_why_when_the_monitor_is_empty() -> None:
    empty = _metrics(
        service="checkout-api", error_ratio=Series("r", ()), request_rate=Series("q", ())
    )
    markdown = render(draft(build_timeline(sample_events()), [empty]).document)
    impact = markdown.split("## Impact", 1)[1].split("## Timeline", 1)[0]
    assert "**Requests failed / degraded:** <count and as a fraction of total>" in impact
    assert "the monitor returned no samples in the impact window" in impact
    assert "Riemann" not in impact


def test_impact_section_without_monitor_data_names_what_to_configure() -> None:
    markdown = render(draft(build_timeline(sample_events())).document)
    assert "no monitor data: configure [impact.services.NAME] or add metric samples" in markdown
