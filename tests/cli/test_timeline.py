"""`hindsight timeline` end to end over the sample evidence, and its errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hindsight.cli.app import app
from hindsight.samples import sample_evidence

runner = CliRunner()
EVIDENCE = Path(__file__).resolve().parents[2] / "src/hindsight/samples/evidence"


def test_markdown_timeline_with_durations_over_the_evidence_folder() -> None:
    result = runner.invoke(app, ["timeline", str(EVIDENCE)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("## Timeline\n\nAll times in UTC.\n")
    assert "- 14:36:20 — Detected: HighErrorRate (page) firing" in out
    assert "- 14:37 — Incident #4821 triggered" in out
    assert "- 14:39:12 — Acknowledged: Incident #4821 acknowledged (pagerduty)" in out
    assert "Detection gap (suspected cause → detection): 24 min 17 s" in out
    assert "Suspected cause (candidate): Deploy of main@4f1c2ab to production started" in out


def test_json_and_time_zone(tmp_path: Path) -> None:
    files = []
    for _, name, data in sample_evidence():
        path = tmp_path / name.replace("/", "_")
        path.write_bytes(data)
        files.append(str(path))
    result = runner.invoke(app, ["timeline", *files, "--format", "json", "--tz", "Europe/Berlin"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["time_zone"] == "Europe/Berlin"
    assert data["milestones"]["acknowledged"]["at"] == "2026-03-14T14:39:12.345000Z"
    # 14:36:20.807 → 14:39:12.345, to the whole second as the rows write them
    assert data["durations_seconds"]["detection_to_ack"] == 172.0
    lanes = {e["lane"] for e in data["entries"]}
    assert lanes == {"cause", "response"}


def test_table_format_and_explicit_source() -> None:
    result = runner.invoke(
        app,
        [
            "timeline",
            str(EVIDENCE / "alertmanager"),
            "--source",
            "alertmanager",
            "--format",
            "table",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "HighErrorRate" in result.output and "alert-firing" in result.output


def test_csv_with_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("when,what\n2026-03-14T14:00:00+01:00,Config review started\n")
    result = runner.invoke(
        app, ["timeline", str(path), "--column", "at=when", "--column", "text=what", "--all"]
    )
    assert result.exit_code == 0, result.output
    assert "- 13:00 — Config review started (generic)" in result.output


def test_bad_input_exits_2_naming_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "alert.json"
    body = json.loads((EVIDENCE / "alertmanager/01-firing.json").read_bytes())
    body["alerts"][0]["startsAt"] = "2026-03-14T14:36:20"
    bad.write_text(json.dumps(body))
    result = runner.invoke(app, ["timeline", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}: alerts[0].startsAt" in result.output and "no zone" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    sample = str(EVIDENCE / "grafana")
    for args, message in [
        (["timeline", sample, "--tz", "Mars/Olympus"], "unknown time zone"),
        (["timeline", sample, "--format", "xml"], "unknown format"),
        (["timeline", sample, "--source", "nagios"], "unknown source"),
        (["timeline", str(tmp_path / "missing.json")], "no such file"),
        (["timeline", sample, "--column", "nonsense"], "FIELD=COLUMN"),
    ]:
        result = runner.invoke(app, args)
        assert result.exit_code == 2, args
        assert message in result.output, (args, result.output)
