"""The draft of the built-in sample incident and of a second, differently shaped one (Grafana +
Opsgenie + a generic CSV + recorded counters, across midnight): durations, counts and
percentages computed here from the fixtures' raw values, the checks, and provenance."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
from pathlib import Path

import pytest

from hindsight.core.checks import Severity, lint
from hindsight.core.document import parse, render
from hindsight.core.drafting import Draft, DraftSettings, draft, read_provenance, strip_provenance
from hindsight.core.drafting.provenance import excerpt
from hindsight.core.events import Event
from hindsight.core.timeline import build_timeline
from hindsight.samples import sample_evidence
from tests.core.drafting.helpers import (
    MIDNIGHT,
    SAMPLE_METRICS,
    drafted_statements,
    midnight_events,
    raw_json,
    sample_events,
    sample_metrics,
)

EVIDENCE = Path(__file__).resolve().parents[3] / "src/hindsight/samples/evidence"


def _instant(text: str) -> float:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _csv_time(path: Path, kind: str) -> float:
    with path.open(encoding="utf-8") as handle:
        return next(_instant(row["time"]) for row in csv.DictReader(handle) if row["kind"] == kind)


def _span(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"


def _pct(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"


@pytest.fixture(scope="module")
def sample() -> tuple[Draft, list[Event]]:
    events = sample_events()
    return draft(build_timeline(events), [sample_metrics()]), events


@pytest.fixture(scope="module")
def midnight() -> tuple[Draft, list[Event]]:
    events, metrics = midnight_events()
    return draft(build_timeline(events), metrics), events


def test_sample_window_and_durations_from_the_raw_payloads(
    sample: tuple[Draft, list[Event]],
) -> None:
    result, _ = sample
    start = _csv_time(EVIDENCE / "generic/observations.csv", "condition")
    resolved = raw_json(EVIDENCE / "pagerduty/webhooks/06-resolved.json")["event"]["occurred_at"]
    end = _instant(resolved)
    minutes = int((end - start) // 60)
    field = result.document.field_value("Duration")
    assert field == f"{minutes // 60:02d}:{minutes % 60:02d}" == "00:47"
    summary = render(result.document).split("## Summary", 1)[1]
    assert f"for {_span(end - start)}." in summary
    assert "From 14:32 to 15:19 UTC on 2026-03-14" in summary
    assert result.document.field_value("Date of incident") == "2026-03-14"
    assert result.document.field_value("Reported by") == "Monitoring"
    team = result.document.field_value("Incident team") or ""
    assert {"Priya Raman", "Mei Lin"} <= set(team.split(", "))
    assert "github-actions[bot]" not in team and "Alertmanager" not in team


def _ratio_rate_expected(path: Path, start: float, end: float) -> tuple[float, float, float]:
    body = raw_json(path)
    step = float(body["step"])
    rates = {t: float(v) for t, v in body["request_rate"]["data"]["result"][0]["values"]}
    failed = total = covered = 0.0
    for t, v in body["error_ratio"]["data"]["result"][0]["values"]:
        if not start <= t < end or t not in rates:
            continue
        weight = min(step, end - t)
        q, r = rates[t], float(v)
        if math.isnan(r):
            if q:
                continue
            r = 0.0
        failed, total, covered = failed + r * q * weight, total + q * weight, covered + weight
    return failed, total, covered


def test_sample_requests_and_budget_from_the_recorded_series(
    sample: tuple[Draft, list[Event]],
) -> None:
    result, _ = sample
    start = _csv_time(EVIDENCE / "generic/observations.csv", "condition")
    end = _instant(
        raw_json(EVIDENCE / "pagerduty/webhooks/06-resolved.json")["event"]["occurred_at"]
    )
    failed, total, covered = _ratio_rate_expected(SAMPLE_METRICS, start, end)
    (figure,) = result.figures
    assert figure.failed == pytest.approx(failed) and figure.total == pytest.approx(total)
    assert figure.covered == pytest.approx(covered) and covered < end - start  # the gap shows
    markdown = render(result.document)
    expected = (
        f"{round(failed):,} of {round(total):,} requests to checkout-api ({_pct(failed / total)})"
    )
    assert f"**Requests failed / degraded:** {expected}" in markdown
    budget = failed / ((1 - 0.999) * total / covered * 30 * 86400)
    assert figure.budget == pytest.approx(budget)
    assert f"**SLO budget consumed:** {_pct(budget)} of the 30-day 99.9% error budget" in markdown
    assert "left Riemann sum over the 60 s step" in markdown
    assert f"The samples cover {_span(covered)} of the {_span(end - start)} window" in markdown


def test_midnight_sample_counts_counters_across_a_reset(
    midnight: tuple[Draft, list[Event]],
) -> None:
    result, _ = midnight
    start = _csv_time(MIDNIGHT / "changes.csv", "condition")
    end = raw_json(MIDNIGHT / "opsgenie-3-close.json")["alert"]["updatedAt"] / 1e9
    minutes = int((end - start) // 60)
    assert result.document.field_value("Duration") == f"{minutes // 60:02d}:{minutes % 60:02d}"
    body = raw_json(MIDNIGHT / "search-api-counters.json")

    def grown(name: str) -> tuple[float, float]:
        inside = [(t, float(v)) for t, v in body[name] if start <= t <= end]
        total = 0.0
        for (_, before), (_, after) in itertools.pairwise(inside):
            total += after - before if after >= before else after
        return total, inside[-1][0] - inside[0][0]

    failed, _ = grown("errors_total")
    total, covered = grown("requests_total")
    raw_last = [float(v) for t, v in body["requests_total"] if t <= end][-1]
    assert total > raw_last  # the reset did not swallow the requests before it
    markdown = render(result.document)
    assert (
        f"{round(failed):,} of {round(total):,} requests to search-api ({_pct(failed / total)})"
        in markdown
    )
    budget = failed / ((1 - 0.995) * total / covered * 28 * 86400)
    assert f"{_pct(budget)} of the 28-day 99.5% error budget of search-api" in markdown
    assert "From 2026-05-09 23:41 to 2026-05-10 00:55 UTC" in markdown
    assert (
        "- 2026-05-10 00:35:02 — Mitigation: Migration 0042 reverted on search-api (migrations)"
        in markdown
    )
    assert result.document.field_value("Incident team") == "Omar Haddad"
    assert result.document.field_value("Date of incident") == "2026-05-09"


@pytest.mark.parametrize("which", ["sample", "midnight"])
def test_draft_lints_clean_in_the_summary_timeline_and_impact_families(
    which: str, request: pytest.FixtureRequest
) -> None:
    result, _ = request.getfixturevalue(which)
    found = lint(parse(render(result.document))).diagnostics
    families = [d for d in found if d.code[:2] in ("SU", "TL", "IM")]
    assert not [d for d in families if d.severity is Severity.ERROR], families
    assert not [d for d in families if d.code.startswith("SU")], families


@pytest.mark.parametrize("which", ["sample", "midnight"])
def test_every_drafted_sentence_cites_evidence_that_exists(
    which: str, request: pytest.FixtureRequest
) -> None:
    result, events = request.getfixturevalue(which)
    known = {e.key for e in events} | {i for f in result.figures for i in f.ids}
    for citation in result.citations:
        assert citation.keys and set(citation.keys) <= known, citation
    cited = {(c.part, c.text) for c in result.citations}
    statements = drafted_statements(result)
    assert len(statements) > 10
    missing = [s for s in statements if s not in cited]
    assert not missing
    # The header values a draft filled are cited too.
    for field in ("Duration", "Date of incident", "Services affected", "Incident team"):
        value = result.document.field_value(field)
        assert ("header", f"{field}: {value}") in cited


def test_markdown_provenance_round_trips_and_strips(sample: tuple[Draft, list[Event]]) -> None:
    result, _ = sample
    markdown = render(result.document)
    assert render(parse(markdown)) == markdown
    assert parse(markdown) == result.document
    trailers = read_provenance(parse(markdown))
    assert set(trailers) >= {"header", "summary", "impact", "timeline", "root_cause"}
    for part, trailer in trailers.items():
        mine = [c for c in result.citations if c.part == part]
        assert [(excerpt(c.text), c.keys) for c in mine] == list(trailer.cited)
    clean = render(strip_provenance(parse(markdown)))
    assert "hindsight:draft" not in clean and "<!--" not in clean
    assert render(parse(clean)) == clean
    assert strip_provenance(parse(markdown)) == parse(clean)


def test_drafting_is_deterministic() -> None:
    events = sample_events()
    first = render(draft(build_timeline(events), [sample_metrics()]).document)
    again = render(draft(build_timeline(list(reversed(events))), [sample_metrics()]).document)
    assert first == again


def test_time_zone_moves_the_clock_and_the_date() -> None:
    import zoneinfo

    events, metrics = midnight_events()
    berlin = zoneinfo.ZoneInfo("Europe/Berlin")
    result = draft(
        build_timeline(events), metrics, DraftSettings(tz=berlin, tz_name="Europe/Berlin")
    )
    markdown = render(result.document)
    assert "All times in Europe/Berlin." in markdown
    assert result.document.field_value("Date of incident") == "2026-05-10"  # 01:41 in Berlin
    assert "From 01:41 to 02:55 Europe/Berlin on 2026-05-10" in markdown


def test_evidence_of_the_sample_is_all_there() -> None:
    assert len(sample_evidence()) > 20
