"""The pieces of the analysis on small, hand-made records."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.core.analysis import ActionRecord, IncidentRecord, analyze
from hindsight.core.analysis.actions import analyse_actions
from hindsight.core.analysis.factors import cluster_factors
from hindsight.core.analysis.handoffs import near, parse_handoff
from hindsight.core.analysis.process import analyse_process
from hindsight.core.analysis.records import action_type
from hindsight.core.analysis.services import count_services
from hindsight.core.analysis.stats import binomial_sf, median, quantile
from hindsight.core.analysis.text import terms
from hindsight.core.errors import UserError

TODAY = dt.date(2025, 6, 1)


def test_terms_fold_spellings() -> None:
    assert terms("Configuration changes skipped") == terms("config change skip")
    assert "the" not in terms("The root cause was the canary")


def test_binomial_tail_matches_the_exact_sum() -> None:
    assert binomial_sf(0, 10, 0.3) == 1.0
    assert binomial_sf(3, 3, 0.5) == pytest.approx(0.125)
    assert binomial_sf(2, 4, 0.5) == pytest.approx(11 / 16)
    assert median([3.0, 1.0, 2.0]) == 2.0 and quantile([], 0.5) is None


def test_handoff_window_wraps_midnight() -> None:
    assert near(parse_handoff("23:50"), parse_handoff("00:20"), 60)
    assert not near(parse_handoff("12:00"), parse_handoff("14:00"), 60)
    with pytest.raises(UserError):
        analyze([], today=TODAY, handoffs=("25:99",))


def test_paraphrases_cluster_and_unrelated_factors_do_not() -> None:
    records = [
        IncidentRecord("a", factors=("Config change skipped the canary stage",)),
        IncidentRecord("b", factors=("No canary for config pushes",)),
        IncidentRecord("c", factors=("Configuration changes bypass canary deployment",)),
        IncidentRecord("d", factors=("Backups were never restored",)),
        IncidentRecord("e", factors=("DNS TTLs are set to one day",)),
    ]
    themes = cluster_factors(records)
    assert themes[0].incidents == ("a", "b", "c")
    assert [len(t.incidents) for t in themes] == [3, 1, 1]


def test_contributing_services_come_from_mentions_and_fields() -> None:
    records = [
        IncidentRecord("a", services=("checkout",), root_cause="Timeouts from ledger in the cart"),
        IncidentRecord("b", services=("ledger",)),
        IncidentRecord("c", contributing_services=("ledger",), factors=("slow disk",)),
    ]
    counts = {c.name: c for c in count_services(records)}
    assert counts["ledger"].contributing == ("a", "c")
    assert counts["ledger"].affected == ("b",)


def test_action_types_completion_and_overdue() -> None:
    assert action_type("Alert on queue depth", None) == ("detect", False)
    assert action_type("anything", "Mitigate") == ("mitigate", True)
    prevent = ActionRecord("Add validation", "prevent", True, "ana", dt.date(2025, 1, 1), False)
    detect = ActionRecord("Alert on errors", "detect", True, "bo", dt.date(2025, 9, 1), True)
    records = [
        IncidentRecord("a", date=dt.date(2024, 12, 1), actions=(prevent,)),
        IncidentRecord("b", date=dt.date(2025, 5, 1), actions=(prevent, detect)),
        IncidentRecord("c", date=dt.date(2025, 5, 2)),
    ]
    health = analyse_actions(records, TODAY)
    assert health.only_prevent == ("a",) and health.only_prevent_share == 0.5
    assert health.completion_rate == pytest.approx(1 / 3)
    assert [(o.owner, o.overdue) for o in health.overdue_by_owner] == [("ana", 2)]
    assert health.open_ages_days == (182, 31)
    assert health.no_actions == ("c",)
    assert health.with_open == ("a", "b") and health.with_overdue == ("a", "b")


def test_process_health_says_unknown_without_data_and_counts_with_it() -> None:
    files = [IncidentRecord("a", date=dt.date(2025, 1, 1), published=dt.date(2025, 1, 21))]
    health = analyse_process(files, TODAY)
    assert health.owed_missing is None and health.unchanged_reviews is None
    assert health.median_days_to_publish == 20
    store = [
        IncidentRecord("x", has_postmortem=False, postmortem_owed=True),
        IncidentRecord("y", postmortem_owed=True, review_changed=False),
        IncidentRecord("z", status="Draft", date=dt.date(2025, 1, 1), review_changed=True),
    ]
    health = analyse_process(store, TODAY)
    assert health.owed_missing == ("x",)
    assert health.unchanged_reviews == ("y",)
    assert health.stale_drafts == ("z",)
    analysis = analyze(store, today=TODAY)
    assert [i.title for i in analysis.roadmap] == ["Incidents that owed a postmortem have none"]


def test_small_sets_claim_nothing() -> None:
    analysis = analyze([IncidentRecord("only", factors=("Disk full",))], today=TODAY)
    assert analysis.roadmap == ()
