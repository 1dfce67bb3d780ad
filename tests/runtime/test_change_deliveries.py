"""A change-only webhook delivery (a GitHub deployment before any alert) through the group
commit writer: kept in the change log, acknowledged with the others of its batch, nothing
marked for a milestone refresh; the alert that follows opens the incident with the deploy as
its suspected cause. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future

import pytest
import sqlalchemy as sa

from hindsight.runtime.delivery_writer import DeliveryWriter, Pending
from hindsight.samples import sample_evidence
from hindsight.services.changes import list_changes
from hindsight.services.incidents import get_incident
from hindsight.services.ingest import DEFAULT_WINDOW, IngestResult, parse
from hindsight.store.engine import open_store
from hindsight.store.unit_of_work import UnitOfWork

EVIDENCE = {path: (source, data) for source, path, data in sample_evidence()}


@pytest.fixture
def store(fresh_url: str) -> Iterator[sa.Engine]:
    engine = open_store(fresh_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _pending(path: str) -> Pending:
    source, data = EVIDENCE[path]
    return Pending(parse(source, data, name=path), None, source, DEFAULT_WINDOW, Future())


def test_a_deploy_then_an_alert_through_the_writer(store: sa.Engine) -> None:
    marked: list[int] = []
    writer = DeliveryWriter(
        lambda: UnitOfWork(store),
        deferred=lambda: True,
        committed=lambda incident, _events: marked.append(incident),
    )
    deploy = _pending("github/04-deployment-production.json")
    writer.write([deploy, _pending("github/04-deployment-production.json")])
    kept = deploy.future.result()
    assert isinstance(kept, IngestResult) and kept.changed and kept.placed is None
    assert marked == []  # no incident to refresh
    assert list_changes(UnitOfWork(store)).total == 1  # the repeat in the batch stored nothing
    alert = _pending("alertmanager/01-firing.json")
    writer.write([alert])
    opened = alert.future.result()
    assert marked == [opened.incident.id]
    # The refresher would recompute the milestones after the commit; the CLI path does it in
    # the transaction: either way from the stored events, which now hold the deploy.
    with UnitOfWork(store) as uow:
        kinds = [e.kind.value for e in uow.events.for_incident(opened.incident.id)]
    assert kinds == ["deploy", "alert-firing"]
    assert get_incident(UnitOfWork(store), opened.incident.id).services == ("checkout-api",)
