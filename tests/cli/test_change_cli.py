"""`hindsight change add|list`, `hindsight catalog import|list`, and `hindsight ingest github`
without --incident keeping a change; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from tests.store.conftest import backend, fresh_url, new_database

__all__ = ["backend", "fresh_url", "new_database"]

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = ROOT / "src/hindsight/samples/evidence"
CATALOG = ROOT / "tests/core/catalog/files"


@pytest.fixture
def store(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", fresh_url)
    monkeypatch.setenv("HINDSIGHT_USER", "tester")
    return fresh_url


def run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.output


def test_ingest_github_without_an_incident_keeps_the_change(store: str) -> None:
    deploy = str(EVIDENCE / "github/04-deployment-production.json")
    assert "change recorded" in run("ingest", "github", deploy)
    assert "already stored: nothing changed" in run("ingest", "github", deploy)
    run("ingest", "alertmanager", str(EVIDENCE / "alertmanager/01-firing.json"))
    [row] = json.loads(run("change", "list", "--format", "json"))
    assert row["external_id"] == "github:deployment:910002" and row["environment"] == "production"
    assert len(row["incidents"]) == 1
    shown = json.loads(run("incident", "show", row["incidents"][0], "--format", "json"))
    assert shown["durations_s"]["detection_gap"] == 24 * 60 + 17  # whole seconds, as every figure


def test_change_add_list_and_the_catalog(store: str, tmp_path: Path) -> None:
    out = run(
        "catalog", "import", str(CATALOG / "catalog-info.yaml"), str(CATALOG / "db-proxy.yaml")
    )
    assert "2 services from 2 files; 2 in the catalog" in out
    added = run(
        "change",
        "add",
        "Deploy v42",
        "--service",
        "PCHK001",
        "--service",
        "legacy",
        "--environment",
        "production",
        "--time",
        "2026-03-14T14:12:03Z",
        "--label",
        "version=v42",
        "--external-id",
        "ci-42",
    )
    assert "change recorded" in added and "not in the catalog (kept as given): legacy" in added
    again = run(
        "change",
        "add",
        "Deploy v42",
        "--service",
        "PCHK001",
        "--external-id",
        "ci-42",
        "--time",
        "2026-03-14T14:12:03Z",
    )
    assert "already stored" in again
    listed = run("change", "list", "--service", "Checkout API")
    assert listed.split() == [
        "2026-03-14T14:12:03Z",
        "deploy",
        "checkout-api,legacy",
        "production",
        "Deploy",
        "v42",
        "-",
    ]
    assert "unmatched: legacy" in run("catalog", "list")
    bad_time = runner.invoke(app, ["change", "add", "x", "--service", "a", "--time", "yesterday"])
    assert bad_time.exit_code == 2 and "--time" in bad_time.output


def test_a_catalog_file_in_error_is_named_and_changes_nothing(store: str, tmp_path: Path) -> None:
    bad = tmp_path / "hindsight.toml"
    bad.write_text('[services.checkout-api]\naliases = "ok"\nslack = { channel = 7 }\n')
    result = runner.invoke(app, ["catalog", "import", str(CATALOG), str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: services.checkout-api.slack.channel" in result.output
    assert run("catalog", "list").strip() == ""
