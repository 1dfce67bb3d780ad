"""The change log: a change kept once, joined to the incident of its service whether it
arrives before the first alert (the order the tools send them) or while the incident is open,
chosen as the suspected cause with the exact detection gap; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

from hindsight.core.catalog import ServiceEntry
from hindsight.core.changes import check_change
from hindsight.core.events import UTC
from hindsight.samples import sample_evidence
from hindsight.services.catalog import import_catalog
from hindsight.services.changes import list_changes, record_change
from hindsight.services.incidents import get_incident, list_incidents
from hindsight.services.ingest import IngestResult, ingest
from hindsight.services.timelines import incident_timeline
from hindsight.store.unit_of_work import UnitOfWork

EVIDENCE = {path: (source, data) for source, path, data in sample_evidence()}
DEPLOYED = dt.datetime(2026, 3, 14, 14, 12, 3, tzinfo=UTC)
DETECTED = dt.datetime(2026, 3, 14, 14, 36, 20, 807000, tzinfo=UTC)


def _ingest(uow: UnitOfWork, path: str) -> IngestResult:
    source, data = EVIDENCE[path]
    return ingest(uow, source, data, name=path)


def test_a_deploy_before_the_first_alert_is_the_suspected_cause_with_the_exact_gap(
    uow: UnitOfWork,
) -> None:
    kept = _ingest(uow, "github/04-deployment-production.json")
    assert list_incidents(uow) == []  # no incident yet: the deploy waits in the change log
    assert "change recorded" in kept.describe()
    opened = _ingest(uow, "alertmanager/01-firing.json")
    incident = get_incident(uow, opened.incident.id)
    assert incident.milestones.cause_at == DEPLOYED
    # whole seconds, as every figure (core.figures): the gap a timeline row can show
    assert incident.durations.detection_gap_s == int((DETECTED - DEPLOYED).total_seconds())
    timeline = incident_timeline(uow, incident.id).timeline
    cause = timeline.milestones.suspected_cause
    assert cause is not None and cause.event.key == "github:deployment:910002"
    assert cause.event in [e.event for e in timeline.cause]  # on the cause lane, like any deploy
    page = list_changes(uow)
    assert [c.incidents for c in page.items] == [(incident.slug,)]


def test_a_push_to_main_and_a_canary_do_not_displace_the_production_deploy(
    uow: UnitOfWork,
) -> None:
    for path in (
        "github/01-push.json",
        "github/02-deployment-canary.json",
        "github/04-deployment-production.json",
    ):
        _ingest(uow, path)
    opened = _ingest(uow, "alertmanager/01-firing.json")
    incident = get_incident(uow, opened.incident.id)
    assert incident.milestones.cause_at == DEPLOYED
    assert list_changes(uow).total == 3


def test_a_redelivered_change_is_stored_once(uow: UnitOfWork) -> None:
    first = _ingest(uow, "github/04-deployment-production.json")
    again = _ingest(uow, "github/04-deployment-production.json")
    assert first.changed and not again.changed
    assert "already stored" in again.describe()
    change = check_change(
        source="api",
        summary="Deploy v42",
        services=["checkout-api"],
        at=DEPLOYED,
        external_id="deploy-42",
    )
    assert record_change(uow, change, actor="t").new
    assert not record_change(uow, change, actor="t").new
    assert list_changes(uow).total == 2


def test_a_change_arriving_while_the_incident_is_open_joins_it_at_once(uow: UnitOfWork) -> None:
    opened = _ingest(uow, "alertmanager/01-firing.json")
    slug = opened.incident.slug
    assert get_incident(uow, slug).milestones.cause_at is None
    late = check_change(
        source="api",
        summary="Config push: pool size 20",
        services=["checkout-api"],
        at=DEPLOYED,
        environment="production",
        external_id="cfg-1",
    )
    recorded = record_change(uow, late, actor="t")
    assert recorded.joined == (slug,)
    assert get_incident(uow, slug).milestones.cause_at == DEPLOYED


def test_a_change_outside_the_lookback_does_not_join(uow: UnitOfWork) -> None:
    old = check_change(
        source="api",
        summary="Deploy v1",
        services=["checkout-api"],
        at=DETECTED - dt.timedelta(hours=30),
        external_id="old",
    )
    record_change(uow, old, actor="t")
    opened = _ingest(uow, "alertmanager/01-firing.json")
    assert get_incident(uow, opened.incident.id).milestones.cause_at is None
    assert list_changes(uow).items[0].incidents == ()


def test_a_change_for_an_unknown_service_is_stored_and_shown_as_unmatched(
    uow: UnitOfWork,
) -> None:
    entry = ServiceEntry(name="checkout-api", origin="hindsight.toml")
    import_catalog(uow, [entry], ["hindsight.toml"], actor="t")
    change = check_change(
        source="api",
        summary="Deploy",
        services=["checkout-api", "mystery-box"],
        at=DEPLOYED,
        external_id="x",
    )
    record_change(uow, change, actor="t")
    [listed] = list_changes(uow).items
    assert listed.stored.change.services == ("checkout-api", "mystery-box")
    assert listed.unmatched == ("mystery-box",)
    assert list_changes(uow, service="mystery-box").total == 1
    assert list_changes(uow, service="nothing").total == 0


def test_a_push_to_another_branch_is_not_kept(uow: UnitOfWork) -> None:
    source, data = EVIDENCE["github/01-push.json"]
    body = json.loads(data)
    body["ref"] = "refs/heads/feature/x"
    result = ingest(uow, source, json.dumps(body).encode(), name="push.json")
    assert not result.changed and list_changes(uow).total == 0


def test_a_service_joining_an_open_incident_brings_its_changes(uow: UnitOfWork) -> None:
    deploy = check_change(
        source="api",
        summary="Deploy pgbouncer",
        services=["db-proxy"],
        at=DEPLOYED,
        external_id="pgb",
    )
    record_change(uow, deploy, actor="t")
    opened = _ingest(uow, "alertmanager/01-firing.json")
    slug = opened.incident.slug
    assert get_incident(uow, slug).milestones.cause_at is None
    source, data = EVIDENCE["alertmanager/01-firing.json"]
    body = json.loads(data)
    body["groupKey"] = "other"
    for alert in body["alerts"]:
        alert["labels"]["service"] = "db-proxy"
        alert["fingerprint"] = "0000000000000001"
    ingest(uow, source, json.dumps(body).encode(), name="db.json", incident=slug)
    widened = get_incident(uow, slug)
    assert "db-proxy" in widened.services
    assert len(list_changes(uow).items[0].incidents) == 1
