"""The incident page states the figures `hindsight timeline` reports from the same evidence,
and the incident list the same detection gap; a milestone's labelled row is still its event's
line for promote and demote."""

from __future__ import annotations

import datetime as dt
import json
from html import escape
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from hindsight.cli.app import app
from hindsight.core.document import Document, render
from hindsight.core.timeline import build_timeline, timeline_section
from hindsight.core.timeline.render import format_duration
from hindsight.samples import sample_evidence
from hindsight.sources import SOURCES
from hindsight.web.timeline_edit import demote, promote, promoted
from tests.web.conftest import Store, sign_in

SAMPLE = Path(__file__).resolve().parents[2] / "src/hindsight/samples/evidence"


def test_the_incident_page_shows_the_timelines_figures(client: TestClient, store: Store) -> None:
    result = CliRunner().invoke(app, ["timeline", str(SAMPLE), "--format", "json"])
    assert result.exit_code == 0, result.output
    seconds = json.loads(result.stdout)["durations_seconds"]
    sign_in(client, store.tokens["viewer"])
    page = client.get(f"/incidents/{store.slug}").text
    for name in ("detection_gap", "detection_to_ack", "detection_to_resolution"):
        shown = format_duration(dt.timedelta(seconds=seconds[name]))
        assert escape(shown) in page, name
    listing = client.get("/incidents").text
    assert escape(format_duration(dt.timedelta(seconds=seconds["detection_gap"]))) in listing


def test_a_milestones_labelled_row_counts_as_its_event_promoted() -> None:
    events = [e for s, name, data in sample_evidence() for e in SOURCES[s].parse(name, data)]
    timeline = build_timeline(events)
    markdown = render(Document(sections=(timeline_section(timeline),)))
    detection = timeline.milestones.first_detection
    assert detection is not None
    assert f"Detected: {detection.text}" in markdown
    assert detection.key in promoted(markdown, timeline.events)
    assert detection.text not in demote(markdown, detection)
    assert promote(markdown, detection) == markdown  # already there: nothing to add
