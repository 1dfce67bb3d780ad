"""Impact from a real Prometheus: the client's figures equal a sum computed here from the raw
`query_range` answer, they match the traffic the endpoint served, and gaps, counter resets,
empty results and bad queries are handled."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from hindsight.core.document import render
from hindsight.core.drafting import ServiceMetrics, draft, figures
from hindsight.core.drafting.config import ServiceQueries
from hindsight.core.events import UTC, Actor, Event, EventKind
from hindsight.core.timeline import build_timeline
from hindsight.sources.base import SourceError
from hindsight.sources.prometheus import PrometheusImpact
from tests.sources.prometheus.conftest import ERRORS, RATE, RESET_AT, LivePrometheus

RANGE = "4s"
SELECTOR = 'http_requests_total{service="checkout-api"'
ERROR_RATIO = f'sum(rate({SELECTOR},code=~"5.."}}[{RANGE}])) / sum(rate({SELECTOR}}}[{RANGE}]))'
REQUEST_RATE = f"sum(rate({SELECTOR}}}[{RANGE}]))"
QUERIES = ServiceQueries("checkout-api", ERROR_RATIO, REQUEST_RATE, slo_target=0.999)


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(round(seconds), UTC)


def _raw(live: LivePrometheus, query: str, start: float, end: float) -> dict[float, float]:
    with httpx.Client() as client:
        body = client.get(
            f"{live.url}/api/v1/query_range",
            params={"query": query, "start": round(start), "end": round(end), "step": "1"},
        ).json()
    assert body["status"] == "success"
    result = body["data"]["result"]
    return {float(t): float(v) for t, v in result[0]["values"]} if result else {}


def _fetch(
    live: LivePrometheus, queries: ServiceQueries, start: float, end: float
) -> ServiceMetrics:
    with httpx.Client() as client:
        return PrometheusImpact(client, live.url, step=1.0).fetch(queries, _utc(start), _utc(end))


def test_figures_equal_the_raw_sum_and_the_served_traffic(live_prometheus: LivePrometheus) -> None:
    live = live_prometheus
    start, end = round(live.script.at(5.0)), round(live.script.at(15.0))
    metrics = _fetch(live, QUERIES, start, end)
    found = figures(metrics, start, end)
    ratios = _raw(live, ERROR_RATIO, start, end)
    rates = _raw(live, REQUEST_RATE, start, end)
    failed = sum(
        r * rates[t] * min(1.0, end - t) for t, r in ratios.items() if t < end and t in rates
    )
    total = sum(q * min(1.0, end - t) for t, q in rates.items() if t < end and t in ratios)
    assert found.failed == pytest.approx(failed) and found.total == pytest.approx(total)
    seconds = end - start
    assert found.total == pytest.approx(RATE * seconds, rel=0.25)
    assert found.failed == pytest.approx(ERRORS * seconds, rel=0.4)
    assert found.fraction == pytest.approx(ERRORS / RATE, rel=0.4)
    assert found.covered == pytest.approx(seconds)


def test_a_counter_reset_neither_drops_nor_inflates_the_rate(
    live_prometheus: LivePrometheus,
) -> None:
    live = live_prometheus
    around = live.script.at(RESET_AT)
    rates = _raw(live, REQUEST_RATE, around - 3, around + 5)
    assert len(rates) >= 6
    assert all(0.6 * RATE <= q <= 1.4 * RATE for q in rates.values()), rates


def test_a_scrape_outage_is_a_gap_the_draft_reports(live_prometheus: LivePrometheus) -> None:
    live = live_prometheus
    start, end = round(live.script.at(13.0)), round(live.script.at(26.0))
    metrics = _fetch(live, QUERIES, start, end)
    found = figures(metrics, start, end)
    assert found.has_data and found.gap >= 2.0
    timeline = build_timeline(_events(start, end))
    markdown = render(draft(timeline, [metrics]).document)
    assert "The samples cover" in markdown and "left Riemann sum over the 1 s step" in markdown


def test_a_service_without_samples_leaves_the_placeholders(live_prometheus: LivePrometheus) -> None:
    live = live_prometheus
    nothing = ServiceQueries(
        "checkout-api",
        ERROR_RATIO.replace("checkout-api", "no-such-service"),
        REQUEST_RATE.replace("checkout-api", "no-such-service"),
        slo_target=0.999,
    )
    start, end = round(live.script.at(5.0)), round(live.script.at(15.0))
    metrics = _fetch(live, nothing, start, end)
    assert not figures(metrics, start, end).has_data
    markdown = render(draft(build_timeline(_events(start, end)), [metrics]).document)
    assert "the monitor returned no samples in the impact window" in markdown
    assert "**Requests failed / degraded:** <count and as a fraction of total>" in markdown


def test_a_bad_query_is_reported_with_prometheus_own_words(live_prometheus: LivePrometheus) -> None:
    bad = ServiceQueries("checkout-api", "sum(rate(", REQUEST_RATE)
    start = live_prometheus.script.at(5.0)
    with pytest.raises(SourceError, match="bad_data"):
        _fetch(live_prometheus, bad, start, start + 5)


def test_draft_command_reads_impact_from_the_configured_prometheus(
    live_prometheus: LivePrometheus, tmp_path: Path
) -> None:
    live = live_prometheus
    start, end = round(live.script.at(5.0)), round(live.script.at(15.0))
    config = tmp_path / "hindsight.toml"
    config.write_text(
        f'[impact.prometheus]\nurl = "{live.url}"\nstep_seconds = 1\n'
        f"[impact.services.checkout-api]\nerror_ratio = '{ERROR_RATIO}'\n"
        f"request_rate = '{REQUEST_RATE}'\nslo_target = 0.999\nslo_window_days = 30\n"
    )
    evidence = tmp_path / "evidence.csv"
    rows = [
        (start, "condition", "Checkout errors start"),
        (start + 1, "alert-firing", "CheckoutErrors firing"),
        (end, "resolved", "Checkout errors resolved"),
    ]
    evidence.write_text(
        "time,kind,service,text,source\n"
        + "".join(f"{_utc(t).isoformat()},{k},checkout-api,{x},monitor\n" for t, k, x in rows)
    )
    result = CliRunner().invoke(
        app, ["draft", str(evidence), "--config", str(config), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    (impact,) = out["impact"]
    assert impact["total"] == pytest.approx(RATE * (end - start), rel=0.25)
    assert impact["evidence"][0].startswith("prometheus:checkout-api:error_ratio:")
    assert impact["slo_budget_consumed"] is not None and impact["slo_budget_consumed"] > 0
    assert math.isclose(impact["window_seconds"], end - start)
    assert "**Requests failed / degraded:**" in out["markdown"]
    assert any(impact["evidence"][0] in c["evidence"] for c in out["citations"])


def _events(start: float, end: float) -> list[Event]:
    bot = Actor("monitor", is_bot=True)
    return [
        Event(
            _utc(start),
            "monitor",
            EventKind.CONDITION,
            "c",
            "Errors start",
            services=("checkout-api",),
        ),
        Event(
            _utc(start + 1),
            "monitor",
            EventKind.ALERT_FIRING,
            "a",
            "CheckoutErrors firing",
            bot,
            ("checkout-api",),
        ),
        Event(
            _utc(end),
            "monitor",
            EventKind.RESOLVED,
            "r",
            "Checkout errors resolved",
            bot,
            ("checkout-api",),
        ),
    ]
