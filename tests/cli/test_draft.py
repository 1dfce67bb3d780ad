"""`hindsight draft` end to end: evidence files in, Markdown or JSON out; refresh; config
errors; a stored incident drafted into its postmortem and refreshed as a revision."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from tests.store.conftest import backend, fresh_url, new_database

__all__ = ["backend", "fresh_url", "new_database"]

REPO = Path(__file__).resolve().parents[2]
EVIDENCE = REPO / "src/hindsight/samples/evidence"
METRICS = REPO / "tests/core/drafting/fixtures/checkout-api-metrics.json"
runner = CliRunner()


def run(*args: str, code: int = 0) -> tuple[str, str]:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output + result.stderr
    return result.stdout, result.stderr


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no hindsight.toml above: no config
    return tmp_path


def test_markdown_draft_with_provenance_and_without(here: Path) -> None:
    out, _ = run("draft", str(EVIDENCE), str(METRICS))
    assert out.startswith("# Postmortem: HighErrorRate on checkout-api for 47 min 30 s\n")
    assert (
        "**Requests failed / degraded:** 32,346 of 205,425 requests to checkout-api (15.7%)" in out
    )
    assert "<!-- hindsight:draft summary " in out and "<!-- hindsight:draft timeline " in out
    clean, _ = run("draft", str(EVIDENCE), str(METRICS), "--no-provenance")
    assert "<!--" not in clean and clean.splitlines()[0] == out.splitlines()[0]


def test_json_draft_lists_citations_notes_and_figures(here: Path) -> None:
    out, _ = run("draft", str(EVIDENCE), str(METRICS), "--format", "json", "-o", "draft.json")
    assert out == ""
    data = json.loads((here / "draft.json").read_text())
    assert data["markdown"].startswith("# Postmortem:")
    assert all(c["evidence"] for c in data["citations"])
    assert {c["part"] for c in data["citations"]} >= {"header", "summary", "impact", "timeline"}
    (impact,) = data["impact"]
    assert impact["service"] == "checkout-api" and round(impact["failed"]) == 32346
    assert any("revenue impact" in note for note in data["notes"])
    assert data["proposals"] == [] and data["rephrase"] == []


def test_refresh_keeps_an_edited_summary(here: Path) -> None:
    first, _ = run("draft", str(EVIDENCE))
    summary = first.split("## Summary\n\n", 1)[1].split("\n", 1)[0]
    mine = "Checkout failed for 47 minutes. Rolling back the pool change restored it."
    (here / "pm.md").write_text(first.replace(summary, mine))
    out, err = run("draft", str(EVIDENCE), str(METRICS), "--refresh", "pm.md")
    assert mine in out and "32,346 of 205,425 requests to checkout-api" in out
    assert "summary: kept (edited since it was drafted)" in err
    assert "impact: updated (still as drafted)" in err


def test_time_zone_and_bad_input(here: Path) -> None:
    out, _ = run(
        "draft", str(EVIDENCE / "generic"), str(EVIDENCE / "alertmanager"), "--tz", "Asia/Tokyo"
    )
    assert "All times in Asia/Tokyo." in out and "**Date of incident:** 2026-03-14" in out
    _, err = run("draft", str(EVIDENCE), "--format", "xml", code=2)
    assert "unknown format" in err
    _, err = run("draft", str(EVIDENCE), "--tz", "Mars/Base", code=2)
    assert "unknown time zone" in err
    _, err = run("draft", "missing-file.json", code=2)  # not an id or slug either
    (here / "hindsight.toml").write_text(
        "[impact.services.api]\nerror_ratio = 'x'\nrequest_rate = 'y'\nslo_target = 2\n"
    )
    _, err = run("draft", str(EVIDENCE), code=2)
    assert "impact.services.api.slo_target is 2" in err and "hindsight.toml" in err


def test_an_unreachable_model_leaves_the_draft_as_drafted(here: Path) -> None:
    plain, _ = run("draft", str(EVIDENCE))
    (here / "hindsight.toml").write_text(
        '[draft.rephrase]\nurl = "http://127.0.0.1:9/v1"\nmodel = "m"\ntimeout_seconds = 1\n'
    )
    out, err = run("draft", str(EVIDENCE))
    assert out == plain
    assert "rephrase summary: rejected: rephraser failed: cannot reach" in err
    offline, err = run("draft", str(EVIDENCE), "--no-model")
    assert offline == plain and "rephrase" not in err


def test_a_stored_incident_is_drafted_then_refreshed(
    fresh_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", fresh_url)
    monkeypatch.setenv("HINDSIGHT_USER", "tester")
    monkeypatch.chdir(tmp_path)
    slug = run("incident", "new", "Checkout errors")[0].split()[1]
    for source in ("alertmanager", "github", "generic"):
        run("ingest", source, str(EVIDENCE / source), "--incident", slug)
    out, err = run("draft", slug)
    assert "postmortem created: version 1" in err
    assert "- 14:12:03 — Suspected cause: Deploy of main@4f1c2ab to production started" in out
    shown, _ = run("postmortem", "show", slug)
    assert "From 14:32 to 15:19 UTC on 2026-03-14" in shown
    run("ingest", "pagerduty", str(EVIDENCE / "pagerduty"), "--incident", slug)
    again, err = run("draft", slug, "--format", "json")
    assert "postmortem refreshed: version 2" in err
    data = json.loads(again)
    assert data["version"] == 2
    assert {p["part"]: p["action"] for p in data["proposals"]}["timeline"] == "updated"
    assert "Incident #4821 acknowledged (pagerduty)" in data["markdown"]


def test_draft_of_a_folder_copy_equals_the_files(here: Path) -> None:
    shutil.copytree(EVIDENCE / "github", here / "gh")
    a, _ = run("draft", str(here / "gh"))
    b, _ = run("draft", *[str(p) for p in sorted((EVIDENCE / "github").iterdir())])
    assert a == b
