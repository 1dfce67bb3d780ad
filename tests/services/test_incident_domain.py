"""The incident domain through the services, on both backends: status and opened time follow
the evidence, severity comes from a person or the evidence (never a placeholder), transitions
are checked, and the list filters, searches, sorts and pages in the store on the same
"postmortem owed" fact the rest of Hindsight uses."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from hindsight.core.errors import UserError
from hindsight.core.incident import TransitionError
from hindsight.samples import sample_evidence
from hindsight.services.incidents import (
    IncidentFilter,
    create_incident,
    find_incidents,
    get_incident,
    update_incident,
)
from hindsight.services.ingest import ingest
from hindsight.services.postmortems import start_postmortem, update_postmortem
from hindsight.store.unit_of_work import UnitOfWork

EVIDENCE = {path: (source, data) for source, path, data in sample_evidence()}


def _ingest(uow: UnitOfWork, name: str, **kwargs: object) -> object:
    source, data = EVIDENCE[name]
    return ingest(uow, source, data, name=name, **kwargs)  # type: ignore[arg-type]


def test_status_and_opened_time_follow_the_evidence(uow: UnitOfWork) -> None:
    opened = _ingest(uow, "alertmanager/01-firing.json")
    incident = opened.incident  # type: ignore[attr-defined]
    assert incident.status == "open"
    fired_at = incident.milestones.detected_at
    assert incident.opened_at == fired_at  # its first evidence, not when it was stored
    assert incident.opened_at < incident.created_at
    _ingest(uow, "alertmanager/03-resolved.json")
    assert get_incident(uow, incident.id).status == "resolved"


def test_a_cause_before_the_alert_moves_the_opened_time_back(uow: UnitOfWork) -> None:
    made = create_incident(uow, title="Checkout errors")
    _ingest(uow, "alertmanager/01-firing.json", incident=made.id)
    firing = get_incident(uow, made.id).opened_at
    _ingest(uow, "github/04-deployment-production.json", incident=made.id)
    after = get_incident(uow, made.id)
    assert after.opened_at is not None and firing is not None and after.opened_at < firing
    assert after.opened_at == after.milestones.cause_at


def test_a_closed_incident_stays_closed_when_evidence_arrives(uow: UnitOfWork) -> None:
    made = create_incident(uow, title="Checkout errors")
    _ingest(uow, "alertmanager/01-firing.json", incident=made.id)
    update_incident(uow, made.id, status="resolved")
    update_incident(uow, made.id, status="closed")
    _ingest(uow, "alertmanager/02-firing-repeat.json", incident=made.id)
    assert get_incident(uow, made.id).status == "closed"


def test_status_moves_are_checked(uow: UnitOfWork) -> None:
    made = create_incident(uow, title="One")
    update_incident(uow, made.id, status="closed")
    with pytest.raises(TransitionError):
        update_incident(uow, made.id, status="mitigated")
    with pytest.raises(UserError, match="Banana"):
        update_incident(uow, made.id, status="Banana")
    assert update_incident(uow, made.id, status="open").status == "open"  # reopened


def test_the_postmortem_s_severity_becomes_the_incident_s_never_its_placeholder(
    uow: UnitOfWork,
) -> None:
    made = create_incident(uow, title="Checkout errors")
    first = start_postmortem(uow, made.id, author="sam")  # the template: a placeholder
    assert get_incident(uow, made.id).severity is None
    text = first.markdown.replace("SEV-1 / SEV-2 / SEV-3", "SEV-2")
    assert text != first.markdown
    update_postmortem(uow, made.id, text, expected_version=1, author="sam")
    adopted = get_incident(uow, made.id)
    assert adopted.severity == "SEV-2"
    assert adopted.policy.decision == "required" and adopted.policy.trigger == "high-severity"


def _page(uow: UnitOfWork, **kwargs: object) -> list[str]:
    query = IncidentFilter(**kwargs)  # type: ignore[arg-type]
    return [row.incident.title for row in find_incidents(uow, query, limit=100).rows]


def test_the_list_filters_searches_and_sorts_in_the_store(uow: UnitOfWork) -> None:
    a = create_incident(uow, title="Checkout 5xx", severity="SEV-1", services=("checkout-api",))
    b = create_incident(uow, title="Search latency", severity="SEV-3", services=("search",))
    c = create_incident(uow, title="Payments timeout", services=("payments", "checkout-api"))
    update_incident(uow, b.id, status="resolved")
    start_postmortem(uow, c.id, author="sam", markdown="# Postmortem: x\n\n**Status:** Published\n")
    assert set(_page(uow)) == {a.title, b.title, c.title}
    assert set(_page(uow, q="checkout")) == {a.title, c.title}  # title or services
    assert _page(uow, q="checkout 5xx") == ["Checkout 5xx"]  # every word
    assert set(_page(uow, service="checkout-api")) == {a.title, c.title}
    assert _page(uow, service="checkout") == []  # a member, not a substring
    assert _page(uow, severity="SEV-3") == ["Search latency"]
    assert _page(uow, status="resolved") == ["Search latency"]
    assert _page(uow, postmortem="published") == ["Payments timeout"]
    assert set(_page(uow, postmortem="missing")) == {a.title, b.title}
    assert _page(uow, postmortem="owed") == ["Checkout 5xx"]  # SEV-1, none published
    assert _page(uow, sort="severity", desc=False)[:2] == ["Checkout 5xx", "Search latency"]
    assert _page(uow, sort="title", desc=False) == sorted([a.title, b.title, c.title])
    assert _page(uow, q="100%_") == []  # LIKE wildcards are text
    # search reaches the postmortem's text too
    assert _page(uow, q="postmortem: x") == ["Payments timeout"]


def test_the_list_pages_and_counts(uow: UnitOfWork) -> None:
    for n in range(7):
        create_incident(uow, title=f"Blip {n}")
    first = find_incidents(uow, IncidentFilter(q="blip"), limit=3, offset=0, with_services=True)
    last = find_incidents(uow, IncidentFilter(q="blip"), limit=3, offset=6)
    assert first.total == last.total == 7
    assert len(first.rows) == 3 and len(last.rows) == 1
    seen = {r.incident.id for r in first.rows} & {r.incident.id for r in last.rows}
    assert not seen


def test_since_and_until_read_the_opened_time(uow: UnitOfWork) -> None:
    _ingest(uow, "alertmanager/01-firing.json")
    day = dt.date(2026, 3, 14)
    assert len(_page(uow, since=day, until=day)) == 1
    assert _page(uow, since=day + dt.timedelta(days=1)) == []


def test_unknown_filters_are_user_errors(uow: UnitOfWork) -> None:
    for bad in ({"postmortem": "someday"}, {"sort": "colour"}, {"status": "Banana"}):
        with pytest.raises(UserError):
            find_incidents(uow, dataclasses.replace(IncidentFilter(), **bad))


def test_the_incident_page_is_read_in_one_snapshot(uow: UnitOfWork) -> None:
    from hindsight.services.incident_page import incident_snapshot

    made = create_incident(uow, title="Checkout errors")
    for name in ("alertmanager/01-firing.json", "github/04-deployment-production.json"):
        _ingest(uow, name, incident=made.id)
    start_postmortem(uow, made.id, author="sam")
    snapshot = incident_snapshot(uow, made.slug)
    assert snapshot.incident == get_incident(uow, made.id)
    assert snapshot.postmortem is not None and snapshot.postmortem.version == 1
    assert len(snapshot.timeline.events) >= 2
    assert set(snapshot.payloads) == {
        "alertmanager/01-firing.json",
        "github/04-deployment-production.json",
    }
    linked = {e.raw.partition("#")[0] for e in snapshot.timeline.events if e.raw}
    assert linked <= set(snapshot.payloads)


def test_the_draft_lists_what_earlier_incidents_of_its_services_still_owe(
    uow: UnitOfWork,
) -> None:
    from hindsight.core.drafting.follow_ups import LEAD
    from hindsight.services.drafting import draft_incident

    first = create_incident(uow, title="Checkout errors in March", services=("checkout-api",))
    owed = (
        "# Postmortem: x\n\n**Status:** Draft\n\n## Action items\n\n"
        "| Owner | Action | Type | Due | Tracking |\n|---|---|---|---|---|\n"
        "| Mei Lin | Alert on pool saturation before it pages | detect | 2026-04-01 | |\n"
    )
    start_postmortem(uow, first.id, author="mei", markdown=owed)
    second = create_incident(uow, title="Checkout errors again", services=("checkout-api",))
    markdown = draft_incident(uow, second.id, author="priya").postmortem.markdown
    assert LEAD in markdown
    assert f"Alert on pool saturation before it pages ({first.slug}, owner Mei Lin" in markdown
