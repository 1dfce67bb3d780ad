"""One set of figures, end to end through the CLI: the cause→detection gap and detection →
resolution that `hindsight timeline` reports from the evidence are, to the minute, what
`hindsight lint` reads back from `hindsight draft`'s document (and, for the sample, from the
shipped postmortem), and what `hindsight analyze` reports over the store.

Two incidents: the built-in sample (seven sources) and a second one of our own making
(GitHub deploys, Alertmanager, PagerDuty and Slack) whose gap, 7 min 18 s, reads as 8 minutes
from minute-only clocks — the case that needs the milestones' rows to give the second.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hindsight.cli.app import app
from tests.store.conftest import backend, fresh_url, new_database

__all__ = ["backend", "fresh_url", "new_database"]

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "src/hindsight/samples/evidence"
PAYMENTS = Path(__file__).parent / "fixtures" / "payments-latency"
INCIDENTS = pytest.mark.parametrize("evidence", [SAMPLE, PAYMENTS], ids=["sample", "payments"])


def run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def timeline_figures(evidence: Path) -> dict[str, int]:
    """The evidence's figures in whole minutes, as `hindsight timeline --format json` gives them."""
    seconds = json.loads(run("timeline", str(evidence), "--format", "json"))["durations_seconds"]
    gap, resolve = seconds["detection_gap"], seconds["detection_to_resolution"]
    assert gap is not None and resolve is not None
    return {"detection_gap": int(gap // 60), "time_to_resolve": int(resolve // 60)}


def lint_figures(document: Path) -> dict[str, int]:
    out = json.loads(run("lint", str(document), "--format", "json", "--fail-on", "never"))
    return {m["name"]: m["value"] for m in out["files"][0]["metrics"]}


@INCIDENTS
def test_the_draft_reads_back_the_evidences_figures(evidence: Path, tmp_path: Path) -> None:
    drafted = tmp_path / "draft.md"
    run("draft", str(evidence), "-o", str(drafted))
    expected = timeline_figures(evidence)
    assert expected["detection_gap"] > 0 and expected["time_to_resolve"] > 0
    assert lint_figures(drafted) == expected


def test_the_second_incident_needs_the_second() -> None:
    """Minute clocks alone would read this gap a minute long: the test above holds only because
    the milestones' rows give their seconds."""
    found = json.loads(run("timeline", str(PAYMENTS), "--format", "json"))
    marks = found["milestones"]
    cause = _instant(marks["suspected_cause"]["event"]["at"]).replace(second=0, microsecond=0)
    detected = _instant(marks["first_detection"]["at"]).replace(second=0, microsecond=0)
    by_clock = int((detected - cause).total_seconds() // 60)
    assert by_clock != timeline_figures(PAYMENTS)["detection_gap"]
    sources = {e["event"]["source"] for e in found["entries"]}
    assert {"github", "alertmanager", "pagerduty", "slack"} <= sources


def test_the_sample_postmortem_states_its_evidences_figures(tmp_path: Path) -> None:
    shipped = tmp_path / "sample.md"
    shipped.write_text(run("sample"), encoding="utf-8")
    figures = lint_figures(shipped)
    assert figures == timeline_figures(SAMPLE)
    # Analysed as a file, the document reads the same gap (and its template-filled severity).
    result = runner.invoke(app, ["analyze", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    detection = json.loads(result.stdout)["detection"]
    assert detection["detection_minutes"]["median"] == figures["detection_gap"]
    assert [d["detection"]["group"] for d in detection["by_severity"]] == ["SEV-2"]


@pytest.fixture
def store(fresh_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", fresh_url)
    monkeypatch.setenv("HINDSIGHT_USER", "tester")
    return fresh_url


def test_analyze_over_the_store_reports_the_same_figures(
    store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = run("ingest", "alertmanager", str(SAMPLE / "alertmanager"))
    slug = next(w for w in opened.split() if w.startswith("2026-03-14-"))
    for source in sorted(p.name for p in SAMPLE.iterdir() if p.is_dir()):
        run("ingest", source, str(SAMPLE / source), "--incident", slug)
    # The sample's postmortem, saved through the editor as a user would: over the draft the
    # resolve drafted, so still a Draft (the workflow moves the Status line, not an edit).
    shipped = tmp_path / "sample.md"
    shipped.write_text(
        run("sample").replace("**Status:** Published", "**Status:** Draft"), encoding="utf-8"
    )
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import pathlib, sys\n"
        f"pathlib.Path(sys.argv[1]).write_text(pathlib.Path({str(shipped)!r}).read_text())\n"
    )
    monkeypatch.setenv("HINDSIGHT_EDITOR", f"{sys.executable} {editor}")
    run("postmortem", "edit", slug)
    assert "**Severity:** SEV-2" in run("postmortem", "show", slug)

    seconds = json.loads(run("timeline", slug, "--format", "json"))["durations_seconds"]
    assert (
        seconds == json.loads(run("timeline", str(SAMPLE), "--format", "json"))["durations_seconds"]
    )
    result = runner.invoke(app, ["analyze", "--format", "json", "--today", "2026-06-01"])
    assert result.exit_code == 0, result.output
    detection = json.loads(result.stdout)["detection"]
    assert detection["detection_minutes"]["count"] == 1
    assert detection["detection_minutes"]["median"] * 60 == pytest.approx(seconds["detection_gap"])
    assert detection["ack_minutes"]["median"] * 60 == pytest.approx(seconds["detection_to_ack"])
    assert [d["detection"]["group"] for d in detection["by_severity"]] == ["SEV-2"]
