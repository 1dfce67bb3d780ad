"""`hindsight actions list|set` on SQLite and PostgreSQL: filters, the three formats, status
changes and their errors (exit 2, what/where/fix)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from hindsight.cli.app import app
from tests.cli.followups import incident_with_items, run, runner
from tests.store.conftest import backend, fresh_url, new_database

__all__ = ["backend", "fresh_url", "new_database"]


@pytest.fixture
def slug(fresh_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", fresh_url)
    monkeypatch.setenv("HINDSIGHT_USER", "tester")
    return incident_with_items(monkeypatch, tmp_path)


def listed(*args: str) -> list[dict[str, object]]:
    data = json.loads(run("actions", "list", *args, "--format", "json"))
    assert isinstance(data, list)
    return data


def test_list_json_has_the_contract_fields_and_no_placeholder(slug: str) -> None:
    items = listed(slug)
    assert [i["action"] for i in items] == [
        "Alert on pool saturation",
        "Document the failover",
        "Add a CI test for pool limits",
    ]
    for item in items:
        assert {"id", "incident", "owner", "action", "type", "due", "tracking", "status"} <= set(
            item
        )
        assert item["incident"] == slug and item["status"] == "open"
    assert items[1]["tracking"] == "OPS-9"


def test_overdue_owner_status_filters_and_formats(slug: str) -> None:
    assert [i["owner"] for i in listed("--overdue", "--today", "2026-03-21")] == ["jonas", "ana"]
    assert [i["owner"] for i in listed("--overdue", "--today", "2026-03-02")] == ["jonas"]
    assert [i["owner"] for i in listed("--owner", "Priya")] == ["priya"]
    table = run("actions", "list", slug)
    assert table.splitlines()[0].split() == [
        "ID",
        "INCIDENT",
        "OWNER",
        "DUE",
        "TYPE",
        "STATUS",
        "ACTION",
        "TRACKING",
    ]
    assert "Alert on pool saturation" in table
    rows = list(csv.DictReader(io.StringIO(run("actions", "list", "--format", "csv"))))
    assert [r["owner"] for r in rows] == ["jonas", "ana", "priya"]


def test_set_moves_status_and_explains_bad_input(slug: str) -> None:
    jonas = listed("--owner", "jonas")[0]["id"]
    out = run("actions", "set", str(jonas), "--status", "not_doing", "--reason", "autoscaling")
    assert "not_doing (autoscaling)" in out
    assert [i["owner"] for i in listed("--status", "not_doing")] == ["jonas"]
    assert listed("--overdue", "--today", "2026-03-02") == []
    run("actions", "set", str(jonas), "--status", "open")
    assert listed("--status", "open")[0]["owner"] == "jonas"
    for args, words in (
        (("set", str(jonas), "--status", "not_doing"), "needs the reason"),
        (("set", str(jonas), "--status", "finished"), "not an action item status"),
        (("set", "999999", "--status", "done"), "no action item 999999"),
        (("list", "--today", "14/03/2026", "--overdue"), "--today"),
        (("list", "--format", "xml"), "--format"),
    ):
        result = runner.invoke(app, ["actions", *args])
        assert result.exit_code == 2, result.output
        assert words in result.stderr and "fix:" in result.stderr
