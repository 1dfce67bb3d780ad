"""Deliveries in the order the tools send them: the deploy (the cause) arrives before the
first alert. The deploy is acknowledged and kept in the change log; the alert then opens one
incident whose suspected cause is that deploy, with the exact detection gap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hindsight.samples import sample_evidence
from tests.api.hooks.signing import SECRETS, Signer
from tests.api.server import serve, token
from tests.dbfixtures import migrated_engine

EVIDENCE = {name: data for _, name, data in sample_evidence()}
DEPLOYED = dt.datetime(2026, 3, 14, 14, 12, 3, tzinfo=dt.UTC)  # the production deployment
FIRED = dt.datetime(2026, 3, 14, 14, 36, 20, 807000, tzinfo=dt.UTC)  # the first alert


def test_the_deploy_sent_first_becomes_the_cause_of_the_incident_the_alert_opens(
    backend: str, tmp_path: Path
) -> None:
    with migrated_engine(backend, tmp_path) as engine, serve(engine, **SECRETS) as client:
        deploy = EVIDENCE["github/04-deployment-production.json"]
        first = client.post(
            "/hooks/github", content=deploy, headers=Signer("github").headers(deploy)
        )
        assert first.status_code == 200, first.text
        kept = first.json()
        assert kept["status"] == "stored" and kept["incident"] is None and kept["changes"]
        again = client.post(
            "/hooks/github", content=deploy, headers=Signer("github").headers(deploy)
        )
        assert again.status_code == 200 and again.json()["status"] == "duplicate"

        alert = EVIDENCE["alertmanager/01-firing.json"]
        opened = client.post(
            "/hooks/alertmanager", content=alert, headers=Signer("alertmanager").headers(alert)
        )
        assert opened.status_code == 200, opened.text
        slug = opened.json()["incident"]
        headers = token(engine, "viewer")
        listed = client.get("/api/v1/incidents", headers=headers).json()
        assert [i["slug"] for i in listed["items"]] == [slug]  # one incident, not two
        incident = client.get(f"/api/v1/incidents/{slug}", headers=headers).json()
        assert dt.datetime.fromisoformat(incident["milestones"]["cause_at"]) == DEPLOYED
        gap = incident["durations_seconds"]["detection_gap_s"]
        assert gap == int((FIRED - DEPLOYED).total_seconds())  # whole seconds, as every figure
        assert dt.datetime.fromisoformat(incident["opened_at"]) == DEPLOYED  # its first evidence
        changes = client.get("/api/v1/changes", headers=headers).json()
        joined = [c for c in changes["items"] if slug in c.get("incidents", [])]
        assert joined, changes


def test_the_rollback_sent_while_the_incident_is_open_is_its_mitigation(
    backend: str, tmp_path: Path
) -> None:
    """A rollback deployment raises no alarm and is no change to blame: it joins the open
    incident of the service it names as that incident's mitigation (it used to be a 422),
    and another tool's response naming no open incident's service is still refused."""
    mitigated = dt.datetime(2026, 3, 14, 15, 11, 4, tzinfo=dt.UTC)
    with migrated_engine(backend, tmp_path) as engine, serve(engine, **SECRETS) as client:
        alert = EVIDENCE["alertmanager/01-firing.json"]
        slug = client.post(
            "/hooks/alertmanager", content=alert, headers=Signer("alertmanager").headers(alert)
        ).json()["incident"]
        rollback = EVIDENCE["github/06-deployment-rollback.json"]
        placed = client.post(
            "/hooks/github", content=rollback, headers=Signer("github").headers(rollback)
        )
        assert placed.status_code == 200, placed.text
        assert placed.json()["incident"] == slug
        headers = token(engine, "viewer")
        timeline = client.get(f"/api/v1/incidents/{slug}/timeline", headers=headers).json()
        assert dt.datetime.fromisoformat(timeline["milestones"]["mitigated"]["at"]) == mitigated
        assert client.get("/api/v1/changes", headers=headers).json()["total"] == 0
        assert len(client.get("/api/v1/incidents", headers=headers).json()["items"]) == 1
        elsewhere = rollback.replace(b"checkout-api", b"search-api").replace(b"910003", b"910099")
        refused = client.post(
            "/hooks/github", content=elsewhere, headers=Signer("github").headers(elsewhere)
        )
        assert refused.status_code == 422, refused.text  # no incident of search-api is open
