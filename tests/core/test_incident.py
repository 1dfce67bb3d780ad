"""The incident domain: statuses and their moves, postmortem states, severity, and what the
evidence says about an incident."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.core.errors import UserError
from hindsight.core.events import Event, EventKind
from hindsight.core.incident import (
    IncidentFacts,
    IncidentStatus,
    PostmortemState,
    TransitionError,
    check_incident_transition,
    check_postmortem_transition,
    check_severity,
    follow_evidence,
    opened_at,
    postmortem_policy,
    postmortem_state,
    severity_of,
    status_from_evidence,
)

T0 = dt.datetime(2026, 3, 14, 14, 0, tzinfo=dt.UTC)


def _event(minute: int, kind: EventKind, subject: str | None = None) -> Event:
    return Event(
        at=T0 + dt.timedelta(minutes=minute),
        source="test",
        kind=kind,
        key=f"k{minute}-{kind.value}-{subject}",
        text=f"{kind.value} {subject or ''}",
        subject=subject,
    )


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("open", "mitigated"),
        ("open", "resolved"),
        ("mitigated", "resolved"),
        ("resolved", "closed"),
        ("resolved", "open"),  # reopen
        ("closed", "open"),  # reopen
        ("mitigated", "open"),
        ("open", "open"),
    ],
)
def test_allowed_incident_moves(current: str, target: str) -> None:
    assert check_incident_transition(current, target) == IncidentStatus(target)


@pytest.mark.parametrize(("current", "target"), [("closed", "resolved"), ("resolved", "mitigated")])
def test_refused_incident_moves_say_what_is_allowed(current: str, target: str) -> None:
    with pytest.raises(TransitionError, match=f"cannot go from {current} to {target}") as err:
        check_incident_transition(current, target)
    assert "open" in (err.value.fix or "")


def test_an_unknown_status_names_the_allowed_ones() -> None:
    with pytest.raises(UserError, match="Banana") as err:
        check_incident_transition("open", "Banana")
    assert "mitigated" in (err.value.fix or "")


def test_severity_is_canonical_and_never_a_placeholder() -> None:
    assert check_severity("sev2") == "SEV-2"
    assert check_severity("SEV 1") == "SEV-1"
    assert check_severity("SEV-1 / SEV-2 / SEV-3") is None
    assert severity_of("SEV-1 / SEV-2 / SEV-3") is None
    assert severity_of("critical") is None
    with pytest.raises(UserError):
        check_severity("SEV-9")


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("Published", PostmortemState.PUBLISHED),
        ("published 2026-03-20", PostmortemState.PUBLISHED),
        ("In Review", PostmortemState.IN_REVIEW),
        ("in-review", PostmortemState.IN_REVIEW),
        ("draft", PostmortemState.DRAFT),
        ("Draft / In review / Published", None),
        ("Final", None),
        (None, None),
    ],
)
def test_postmortem_state_of_a_status_line(text: str | None, state: PostmortemState | None) -> None:
    assert postmortem_state(text) is state


def test_postmortem_moves() -> None:
    d, r, p = PostmortemState.DRAFT, PostmortemState.IN_REVIEW, PostmortemState.PUBLISHED
    assert check_postmortem_transition(d, r) == []
    assert check_postmortem_transition(r, p) == []
    assert check_postmortem_transition(r, d) == []
    assert check_postmortem_transition(d, p) != []  # review first
    assert check_postmortem_transition(p, d) == ["reopening a published postmortem needs a reason"]
    assert check_postmortem_transition(p, d, reason="a factor was missed") == []
    assert p.slug == "published" and r.slug == "in-review"


def test_an_alarm_firing_is_open_and_all_resolved_is_resolved() -> None:
    a_fires = _event(0, EventKind.ALERT_FIRING, "a")
    b_fires = _event(1, EventKind.ALERT_FIRING, "b")
    a_clears = _event(5, EventKind.ALERT_RESOLVED, "a")
    b_clears = _event(9, EventKind.ALERT_RESOLVED, "b")
    assert status_from_evidence([a_fires, b_fires]) is IncidentStatus.OPEN
    assert status_from_evidence([a_fires, b_fires, a_clears]) is IncidentStatus.OPEN
    assert status_from_evidence([a_fires, b_fires, a_clears, b_clears]) is IncidentStatus.RESOLVED
    # a new firing after the resolution reopens it
    again = _event(12, EventKind.ALERT_FIRING, "a")
    assert status_from_evidence([a_fires, b_fires, a_clears, b_clears, again]) is (
        IncidentStatus.OPEN
    )


def test_the_page_that_started_the_response_resolves_the_incident() -> None:
    page = _event(0, EventKind.PAGE_TRIGGERED, "PD1")
    side = _event(1, EventKind.ALERT_FIRING, "side-alert")
    done = _event(30, EventKind.RESOLVED, "PD1")
    assert status_from_evidence([page, side, done]) is IncidentStatus.RESOLVED


def test_a_mitigation_after_the_last_firing_is_mitigated() -> None:
    fires = _event(0, EventKind.ALERT_FIRING, "a")
    rollback = _event(10, EventKind.MITIGATION)
    assert status_from_evidence([fires, rollback]) is IncidentStatus.MITIGATED
    early = _event(-5, EventKind.MITIGATION)  # a mitigation before the alarm is no mitigation of it
    assert status_from_evidence([early, fires]) is IncidentStatus.OPEN


def test_closed_is_a_person_s_decision() -> None:
    assert follow_evidence("closed", IncidentStatus.OPEN) == "closed"
    assert follow_evidence("resolved", IncidentStatus.OPEN) == "open"
    assert follow_evidence("open", IncidentStatus.RESOLVED) == "resolved"


def test_opened_is_the_first_evidence() -> None:
    events = [_event(7, EventKind.ALERT_FIRING, "a"), _event(-20, EventKind.DEPLOY)]
    assert opened_at(events) == T0 - dt.timedelta(minutes=20)
    assert opened_at([]) is None


@pytest.mark.parametrize(
    ("facts", "decision", "trigger"),
    [
        (IncidentFacts("SEV-3", True, 31.0, False), "required", "customer-visible-outage"),
        (IncidentFacts("SEV-3", True, 2.0, False), "not_required", "no-rule-matched"),
        (IncidentFacts("SEV-2", False, None, False), "required", "high-severity"),
        (IncidentFacts(None, False, 2.0, True), "required", "slo-burn-rate-paged"),
        (IncidentFacts(None, False, 2.0, False), "not_required", "internal-blip"),
    ],
)
def test_the_trigger_table(facts: IncidentFacts, decision: str, trigger: str) -> None:
    found = postmortem_policy(facts)
    assert (found.decision, found.trigger) == (decision, trigger)
    assert found.why and found.owed is (decision == "required")
