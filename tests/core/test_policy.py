"""The trigger table as policy: the guide's rows in order, the flaky-monitor rule first, the
numbers and alert names configurable, and `[policy]` validated with where/what/fix."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hindsight.core.errors import ConfigError
from hindsight.core.policy import (
    DEFAULT_POLICY,
    IncidentFacts,
    Repeat,
    When,
    postmortem_policy,
)
from hindsight.core.policy_config import build_policy

T = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)


def _facts(**given: object) -> IncidentFacts:
    base: dict[str, object] = {
        "severity": None,
        "customer_visible": False,
        "impact_minutes": None,
        "paged": False,
    }
    return IncidentFacts(**(base | given))  # type: ignore[arg-type]


def _flapping(count: int, *, within: float = 2.0, days_apart: float = 1.0) -> IncidentFacts:
    repeats = tuple(
        Repeat(T - dt.timedelta(days=days_apart * (n + 1)), within) for n in range(count - 1)
    )
    return _facts(
        paged=True,
        alert_identity="alertmanager:DiskLatency:storage",
        alert_names=("DiskLatency",),
        opened_at=T,
        resolved_minutes=within,
        repeats=repeats,
    )


def test_the_default_is_the_guide_s_table_flaky_monitor_first() -> None:
    assert [r.name for r in DEFAULT_POLICY.rules] == [
        "flaky-monitor",
        "customer-visible-outage",
        "slo-burn-rate-paged",
        "high-severity",
        "near-miss",
        "internal-blip",
    ]
    cases = [
        (_facts(customer_visible=True, impact_minutes=31.0), "required", "customer-visible-outage"),
        (_facts(paged=True), "required", "slo-burn-rate-paged"),
        (_facts(caught_by_automation=True), "lightweight", "near-miss"),
        (_facts(impact_minutes=2.0), "not_required", "internal-blip"),
        (_flapping(3), "fix_the_monitor", "flaky-monitor"),
    ]
    for facts, decision, trigger in cases:
        found = postmortem_policy(facts)
        assert (found.decision, found.trigger) == (decision, trigger), facts
        assert found.why and found.why[0].islower()


def test_the_flaky_rule_counts_short_incidents_of_one_alert_within_the_window() -> None:
    assert postmortem_policy(_flapping(2)).trigger == "slo-burn-rate-paged"  # only two
    assert postmortem_policy(_flapping(3, within=6.0)).trigger == "slo-burn-rate-paged"  # long
    assert postmortem_policy(_flapping(3, days_apart=4.0)).trigger == "slo-burn-rate-paged"
    found = postmortem_policy(_flapping(4))
    assert found.proposal is not None and found.proposal.owner is None
    labelled = dataclasses.replace(_flapping(4), alert_labels=("team=storage", "severity=page"))
    owned = postmortem_policy(labelled).proposal
    assert owned is not None and owned.owner == "storage"
    assert found.why.startswith("the alert DiskLatency opened 4 incidents in 7 days")
    unresolved = _facts(alert_identity="x", opened_at=T, paged=True, repeats=_flapping(5).repeats)
    assert postmortem_policy(unresolved).trigger == "slo-burn-rate-paged"


def test_a_team_s_policy_from_toml() -> None:
    policy = build_policy(
        {
            "unchanged-review": "block",
            "rules": [
                {
                    "name": "flaky",
                    "when": "flaky-monitor",
                    "decision": "fix_the_monitor",
                    "incidents": 5,
                    "days": 3,
                    "minutes": 10,
                    "owners": {"Disk*": "storage-team"},
                },
                {
                    "name": "burn",
                    "when": "paged",
                    "decision": "required",
                    "alerts": ["*BurnRate*"],
                },
                {"name": "rest", "when": "always", "decision": "lightweight"},
            ],
        },
        source="hindsight.toml",
    )
    assert policy.unchanged_review == "block"
    assert [r.when for r in policy.rules] == [When.FLAKY_MONITOR, When.PAGED, When.ALWAYS]
    assert policy.rules[0].incidents == 5 and policy.rules[0].owners == (("Disk*", "storage-team"),)
    assert (
        postmortem_policy(_facts(paged=True, alert_names=("DiskFull",)), policy).trigger == "rest"
    )
    burn = postmortem_policy(_facts(paged=True, alert_names=("SLOBurnRateFast",)), policy)
    assert burn.trigger == "burn" and "SLOBurnRateFast" in burn.why
    assert postmortem_policy(_flapping(4, within=8.0, days_apart=0.5), policy).trigger == "rest"
    five = postmortem_policy(_flapping(5, within=8.0, days_apart=0.5), policy)
    assert five.trigger == "flaky" and five.proposal is not None
    assert five.proposal.owner == "storage-team"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"colour": 1}, "unknown key policy.colour"),
        ({"otherwise": "maybe"}, "policy.otherwise = 'maybe' is not allowed"),
        ({"unchanged-review": "ignore"}, "allowed: warn, block"),
        ({"rules": {"name": "x"}}, "must be an array of tables"),
        ({"rules": [{"name": "x", "when": "paged"}]}, "has no decision"),
        ({"rules": [{"name": "x", "when": "sometimes", "decision": "required"}]}, "when"),
        ({"rules": [{"name": "x", "when": "paged", "decision": "yes"}]}, "decision"),
        (
            {"rules": [{"name": "x", "when": "flaky-monitor", "decision": "required", "days": -1}]},
            "a positive number",
        ),
        (
            {"rules": [{"name": "x", "when": "paged", "decision": "required", "labels": ["slo"]}]},
            "key=value",
        ),
        (
            {
                "rules": [
                    {"name": "x", "when": "paged", "decision": "required"},
                    {"name": "x", "when": "always", "decision": "required"},
                ]
            },
            "two rules are named 'x'",
        ),
    ],
)
def test_a_bad_policy_says_where_what_and_how_to_fix(data: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError) as refused:
        build_policy(data, source="hindsight.toml")
    assert words in refused.value.message and "hindsight.toml" in refused.value.message
    assert refused.value.fix
