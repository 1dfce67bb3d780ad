"""Slack names on stored incidents (SQLite and PostgreSQL): learned from whichever payload
tells them, shown wherever the incident's events are read, whatever order they came in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hindsight.samples import sample_evidence
from hindsight.services import UnitOfWork
from hindsight.services.evidence import read_evidence
from hindsight.services.incident_page import incident_snapshot
from hindsight.services.ingest import ingest
from hindsight.services.timelines import incident_timeline

EVIDENCE = [(source, name, data) for source, name, data in sample_evidence()]
RAW = ("U01PRIYA", "U02TOMAS", "C07INC0314")


def _chat(texts: list[str]) -> list[str]:
    return [t for t in texts if " in #" in t]


@pytest.mark.parametrize("export_first", [True, False])
def test_the_sample_reads_with_names_in_either_order(uow: UnitOfWork, export_first: bool) -> None:
    # The alert opens the incident; the export and the live messages follow in either order.
    ordered = sorted(
        EVIDENCE, key=lambda e: (e[0] == "slack", (e[1] == "slack/export.zip") != export_first)
    )
    slug = None
    for source, name, data in ordered:
        slug = ingest(uow, source, data, name=name, incident=slug).incident.slug
    assert slug is not None
    texts = [e.text for e in incident_timeline(uow, slug).timeline.events]
    chat = _chat(texts)
    assert any(t.startswith("Priya Raman in #inc-2026-03-14-checkout: Opened for") for t in chat)
    assert any(t.startswith("Tomás in #inc-2026-03-14-checkout (thread reply)") for t in chat)
    assert not [t for t in texts if any(raw in t for raw in RAW)]
    page = incident_snapshot(uow, slug)
    assert not [e.text for e in page.timeline.events if any(raw in e.text for raw in RAW)]
    actors = {e.actor.name for e in page.timeline.events if e.actor and e.source == "slack"}
    assert "U01PRIYA" not in actors and "Priya Raman" in actors


def test_a_profile_change_renames_what_is_shown_and_is_kept_once(uow: UnitOfWork) -> None:
    _, name, data = next(e for e in EVIDENCE if e[1] == "alertmanager/01-firing.json")
    slug = ingest(uow, "alertmanager", data, name=name).incident.slug
    live = next(e for e in EVIDENCE if e[1] == "slack/events/01-message.json")[2]
    ingest(uow, "slack", live, name="live.json", incident=slug)
    texts = [e.text for e in incident_timeline(uow, slug).timeline.events]
    assert any(t.startswith("U01PRIYA in #C07INC0314") for t in texts)  # nothing known yet

    def change(shown: str) -> bytes:
        user = {"id": "U01PRIYA", "profile": {"display_name": shown}}
        event = {"type": "user_change", "user": user}
        return json.dumps(
            {
                "type": "event_callback",
                "event_id": f"Ev{shown}",
                "event_time": 1773500300,
                "event": event,
            }
        ).encode()

    first = ingest(uow, "slack", change("Priya"), name="change.json")
    assert first.placed is None and first.names_learned == 1 and first.changed
    assert "1 chat name learned" in first.describe()
    texts = [e.text for e in incident_timeline(uow, slug).timeline.events]
    assert any(t.startswith("Priya in #C07INC0314") for t in texts)
    again = ingest(uow, "slack", change("Priya"), name="change.json")  # a Slack retry
    assert again.placed is None and not again.changed
    ingest(uow, "slack", change("Priya R."), name="change2.json")
    with uow:
        assert uow.chat_names.lookup("slack", ["U01PRIYA", "U0NOBODY"]) == {"U01PRIYA": "Priya R."}


def test_files_read_together_are_named_too(tmp_path: Path) -> None:
    for _, name, data in EVIDENCE:
        if name.startswith("slack/events/"):
            target = tmp_path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    (tmp_path / "slack" / "export.zip").write_bytes(
        next(d for _, n, d in EVIDENCE if n == "slack/export.zip")
    )
    events, _ = read_evidence([tmp_path])
    texts = [e.text for e in events]
    assert len(_chat(texts)) >= 2
    assert not [t for t in texts if any(raw in t for raw in RAW)]
