"""The guide's trigger table through ingestion, on SQLite and PostgreSQL: what each row's
evidence decides, kept on the incident, and the postmortem drafted by itself when one is owed
and the incident resolves."""

from __future__ import annotations

import datetime as dt

from hindsight.core.document import parse
from hindsight.core.policy import DEFAULT_RULES, Policy, PolicyRule, When
from hindsight.services.incidents import update_incident
from hindsight.services.ingest import ingest
from hindsight.services.policy import redecide
from hindsight.services.postmortems import get_postmortem
from hindsight.store.unit_of_work import UnitOfWork
from tests.services.process_payloads import T0, alertmanager, generic, pagerduty, row

MIN = dt.timedelta(minutes=1)


def _has_postmortem(uow: UnitOfWork, incident_id: int) -> bool:
    with uow:
        return uow.postmortems.for_incident(incident_id) is not None


def test_a_two_minute_internal_blip_without_a_page_is_not_required(uow: UnitOfWork) -> None:
    opened = ingest(uow, "alertmanager", alertmanager("QueueLag", "jobs", T0))
    assert opened.created_incident and opened.incident.status == "open"
    done = ingest(uow, "alertmanager", alertmanager("QueueLag", "jobs", T0, ends=T0 + 2 * MIN))
    incident = done.incident
    assert incident.id == opened.incident.id and incident.status == "resolved"
    assert (incident.policy.decision, incident.policy.trigger) == ("not_required", "internal-blip")
    assert incident.policy.why == "internal-only and resolved without a page"
    assert not _has_postmortem(uow, incident.id)


def test_a_paged_slo_alert_is_required_and_drafted_when_it_resolves(uow: UnitOfWork) -> None:
    fired = ingest(uow, "alertmanager", alertmanager("ErrorBudgetBurnRate", "checkout", T0))
    title = "ErrorBudgetBurnRate checkout"
    page = pagerduty("incident.triggered", "PSLO1", title, "checkout", T0 + MIN)
    paged = ingest(uow, "pagerduty", page, incident=fired.incident.id)
    assert paged.incident.policy.decision == "required"
    assert paged.incident.policy.trigger == "slo-burn-rate-paged"
    assert not _has_postmortem(uow, fired.incident.id)  # not resolved yet
    end = alertmanager("ErrorBudgetBurnRate", "checkout", T0, ends=T0 + 20 * MIN)
    ingest(uow, "alertmanager", end)
    done = pagerduty("incident.resolved", "PSLO1", title, "checkout", T0 + 21 * MIN)
    resolved = ingest(uow, "pagerduty", done, incident=fired.incident.id)
    assert resolved.incident.status == "resolved"
    drafted = get_postmortem(uow, fired.incident.id)
    assert drafted.updated_by == "hindsight (auto-draft)" and drafted.version == 1
    headings = [s.heading for s in parse(drafted.markdown).sections]
    assert "Five whys" in headings and "Why the defences worked" not in headings


def test_a_customer_visible_31_minute_outage_is_required(uow: UnitOfWork) -> None:
    fired = ingest(uow, "alertmanager", alertmanager("CheckoutDown", "checkout", T0))
    update_incident(uow, fired.incident.id, customer_visible=True)
    end = alertmanager("CheckoutDown", "checkout", T0, ends=T0 + 31 * MIN)
    incident = ingest(uow, "alertmanager", end).incident
    assert incident.customer_visible and incident.status == "resolved"
    assert (incident.policy.decision, incident.policy.trigger) == (
        "required",
        "customer-visible-outage",
    )
    assert "31-minute outage" in incident.policy.why
    assert _has_postmortem(uow, incident.id)


def test_a_near_miss_caught_by_automation_gets_the_lightweight_draft(uow: UnitOfWork) -> None:
    fired = ingest(uow, "alertmanager", alertmanager("CanaryErrors", "search", T0))
    rollback = generic(
        row(T0 + MIN, "mitigation", "canary aborted and rolled back", actor="Argo", bot=True)
    )
    ingest(uow, "generic", rollback, name="argo.jsonl", incident=fired.incident.id)
    end = alertmanager("CanaryErrors", "search", T0, ends=T0 + 3 * MIN)
    incident = ingest(uow, "alertmanager", end).incident
    assert (incident.policy.decision, incident.policy.trigger) == ("lightweight", "near-miss")
    drafted = parse(get_postmortem(uow, incident.id).markdown)
    assert [s.heading for s in drafted.sections] == [
        "Summary",
        "Timeline",
        "Why the defences worked",
        "Action items",
    ]
    defences = drafted.sections[2]
    assert "canary aborted and rolled back" in str(defences.blocks[0])


def _flap(uow: UnitOfWork, day: int, *, minutes: int = 2, page: bool = True) -> int:
    starts = T0 + dt.timedelta(days=day)
    fired = ingest(uow, "alertmanager", alertmanager("DiskLatency", "storage", starts))
    pd = f"PDISK{day}{minutes}"
    if page:
        paging = pagerduty("incident.triggered", pd, "DiskLatency storage", "storage", starts)
        ingest(uow, "pagerduty", paging, incident=fired.incident.id)
    end = alertmanager("DiskLatency", "storage", starts, ends=starts + minutes * MIN)
    resolved = ingest(uow, "alertmanager", end)
    if page:
        done = pagerduty(
            "incident.resolved", pd, "DiskLatency storage", "storage", starts + minutes * MIN
        )
        resolved = ingest(uow, "pagerduty", done, incident=fired.incident.id)
    assert resolved.incident.id == fired.incident.id and resolved.incident.status == "resolved"
    return fired.incident.id


def test_a_flapping_alert_opening_four_incidents_in_a_week_is_fix_the_monitor(
    uow: UnitOfWork,
) -> None:
    ids = [_flap(uow, day) for day in (0, 2, 4, 6)]
    assert len(set(ids)) == 4  # one incident per flap, not one forever
    with uow:
        found = [uow.incidents.get(i) for i in ids]
    decisions = [(i.policy.decision, i.policy.trigger) for i in found if i is not None]
    # The first two paged (required); from the third on the same alert identity has opened
    # three incidents within 7 days, each resolved within 5 minutes.
    assert decisions == [
        ("required", "slo-burn-rate-paged"),
        ("required", "slo-burn-rate-paged"),
        ("fix_the_monitor", "flaky-monitor"),
        ("fix_the_monitor", "flaky-monitor"),
    ]
    latest = found[-1]
    assert latest is not None and latest.policy.proposal is not None
    assert latest.policy.proposal.action.startswith("Fix the monitor DiskLatency")
    assert "opened 4 incidents in 7 days" in latest.policy.why
    assert not _has_postmortem(uow, latest.id)  # fix the monitor instead of a postmortem
    assert _has_postmortem(uow, ids[0])


def test_the_flaky_rule_s_numbers_are_the_policy_s(uow: UnitOfWork) -> None:
    ids = [_flap(uow, day, page=False) for day in (0, 2, 4)]
    strict = Policy(
        (
            PolicyRule(
                "flaky-monitor",
                When.FLAKY_MONITOR,
                "fix_the_monitor",
                incidents=4,
                owners=(("Disk*", "storage-oncall"),),
            ),
            *DEFAULT_RULES[1:],
        )
    )
    with uow:
        assert uow.incidents.get(ids[-1]).policy.trigger == "flaky-monitor"  # type: ignore[union-attr]
    again = UnitOfWork(uow.bind, policy=strict)
    with again:
        assert redecide(again, ids) == 1
        latest = again.incidents.get(ids[-1])
        again.commit()
    assert latest is not None and latest.policy.trigger == "internal-blip"
    fourth = _flap(UnitOfWork(uow.bind, policy=strict), 6, minutes=3, page=False)
    with again:
        decided = again.incidents.get(fourth)
    assert decided is not None and decided.policy.trigger == "flaky-monitor"
    assert decided.policy.proposal is not None
    assert decided.policy.proposal.owner == "storage-oncall"


def test_a_slo_rule_limited_to_named_alerts(uow: UnitOfWork) -> None:
    rules = tuple(
        PolicyRule(r.name, r.when, r.decision, alerts=("*BurnRate*",))
        if r.when is When.PAGED
        else r
        for r in DEFAULT_RULES
        if r.when is not When.SEVERITY
    )
    scoped = UnitOfWork(uow.bind, policy=Policy(rules))
    other = ingest(scoped, "alertmanager", alertmanager("DiskFull", "db", T0))
    page = pagerduty("incident.triggered", "PDF1", "DiskFull db", "db", T0 + MIN)
    paged = ingest(scoped, "pagerduty", page, incident=other.incident.id)
    assert paged.incident.policy.decision == "not_required"
    assert paged.incident.policy.trigger == "no-rule-matched"
    burn = ingest(scoped, "alertmanager", alertmanager("SLOBurnRateFast", "api", T0))
    page = pagerduty("incident.triggered", "PBR1", "SLOBurnRateFast api", "api", T0 + MIN)
    paged = ingest(scoped, "pagerduty", page, incident=burn.incident.id)
    assert paged.incident.policy.trigger == "slo-burn-rate-paged"
    assert "SLOBurnRateFast" in paged.incident.policy.why


def test_a_slo_rule_limited_to_labelled_alerts(uow: UnitOfWork) -> None:
    rules = tuple(
        PolicyRule(r.name, r.when, r.decision, labels=("slo=*",)) if r.when is When.PAGED else r
        for r in DEFAULT_RULES
        if r.when is not When.SEVERITY
    )
    scoped = UnitOfWork(uow.bind, policy=Policy(rules))
    labelled = alertmanager("ApiErrors", "api", T0, labels={"slo": "api-availability"})
    fired = ingest(scoped, "alertmanager", labelled)
    assert "slo=api-availability" in fired.incident.alert_labels
    page = pagerduty("incident.triggered", "PLB1", "ApiErrors api", "api", T0 + MIN)
    paged = ingest(scoped, "pagerduty", page, incident=fired.incident.id)
    assert paged.incident.policy.trigger == "slo-burn-rate-paged"
    assert "labelled slo=api-availability" in paged.incident.policy.why
    plain = ingest(scoped, "alertmanager", alertmanager("DiskFull", "db", T0))
    page = pagerduty("incident.triggered", "PLB2", "DiskFull db", "db", T0 + MIN)
    assert ingest(
        scoped, "pagerduty", page, incident=plain.incident.id
    ).incident.policy.trigger == ("no-rule-matched")
