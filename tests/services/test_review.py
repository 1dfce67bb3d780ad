"""The review meeting's agenda from the document's own text, its invite parsed by a real
iCalendar library, and the meeting's notes saved as a revision (both backends)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from hindsight.core.checks import LintOptions
from hindsight.core.document import parse
from hindsight.core.errors import UserError
from hindsight.services.incidents import create_incident
from hindsight.services.postmortems import postmortem_history, start_postmortem
from hindsight.services.review import (
    build_agenda,
    incident_agenda,
    save_meeting_notes,
    to_html,
    to_ics,
    to_markdown,
)
from hindsight.store.unit_of_work import UnitOfWork

SAMPLE = (Path(__file__).resolve().parents[2] / "src/hindsight/samples/postmortem.md").read_text()
START = dt.datetime(2026, 3, 20, 15, 0, tzinfo=dt.UTC)
WITH_ADDRESSES = SAMPLE.replace(
    "**Author:** Priya Raman", "**Author:** Priya Raman <priya@example.com>"
).replace(
    "**Reviewers:** Jonas Weber, Amara Okafor",
    "**Reviewers:** Jonas Weber <jonas@example.com>, Amara Okafor",
)


def _section(markdown: str, heading: str) -> str:
    return "\n".join(
        line for line in markdown.split(f"## {heading}\n", 1)[1].split("\n## ")[0].splitlines()
    )


def test_the_four_blocks_carry_the_document_s_own_text() -> None:
    agenda = build_agenda("checkout", SAMPLE, LintOptions(), start=START)
    assert [(b.title, b.minutes) for b in agenda.blocks] == [
        ("Summary and impact", 5),
        ("Timeline", 15),
        ("Root cause and contributing factors", 15),
        ("Action items", 10),
    ]
    summary, timeline, cause, actions = agenda.blocks
    document = parse(SAMPLE)
    first_summary = _section(SAMPLE, "Summary").strip().splitlines()[0]
    assert first_summary[:60] in summary.lines[0]
    assert any("Users affected" in line for line in summary.lines)
    timeline_rows = [line for line in _section(SAMPLE, "Timeline").splitlines() if " — " in line]
    assert len(timeline.lines) >= len(timeline_rows) > 3
    assert timeline_rows[0].lstrip("- ").split(" — ", 1)[1][:40] in "\n".join(timeline.lines)
    assert any(line.startswith("Root cause:") for line in cause.lines)
    assert any(line.startswith("Contributing factor:") for line in cause.lines)
    assert sum(line.startswith("Why ") for line in cause.lines) >= 3
    assert len(actions.lines) >= 2 and all(" — owner: " in line for line in actions.lines)
    assert document.description in to_markdown(agenda)


def test_the_linter_s_timeline_questions_and_missing_owners_are_flagged() -> None:
    rough = SAMPLE.replace("- 14:36", "- around 14:36", 1)
    table_row = next(
        line
        for line in _section(SAMPLE, "Action items").splitlines()
        if line.startswith("| ") and "Owner" not in line and "---" not in line
    )
    cells = table_row.split("|")
    cells[1] = " "  # no owner
    rough = rough.replace(table_row, "|".join(cells), 1)
    agenda = build_agenda("checkout", rough, LintOptions(), start=START)
    timeline, actions = agenda.blocks[1], agenda.blocks[3]
    row = next(n for n, line in enumerate(rough.splitlines(), 1) if "- around 14:36" in line)
    assert f"line {row}: approximate time: 'around 14:36 — HighErrorRate alert fires'" in (
        timeline.questions
    )
    assert "action 1 has no owner: assign one person" in actions.questions


def test_the_invite_parses_and_lasts_45_minutes() -> None:
    agenda = build_agenda("checkout", WITH_ADDRESSES, LintOptions(), start=START)
    calendar = icalendar.Calendar.from_ical(to_ics(agenda))
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == 1
    event = events[0]
    begins, ends = event.decoded("dtstart"), event.decoded("dtend")
    assert begins == START and ends - begins == dt.timedelta(minutes=45)
    attendees = event.get("attendee")
    addresses = sorted(str(a) for a in (attendees if isinstance(attendees, list) else [attendees]))
    assert addresses == ["mailto:jonas@example.com", "mailto:priya@example.com"]
    assert str(event.get("organizer")) == "mailto:priya@example.com"
    assert "Summary and impact (5 min)" in str(event.get("description"))


def test_another_length_keeps_the_proportions_and_bad_input_is_refused() -> None:
    agenda = build_agenda("checkout", SAMPLE, LintOptions(), start=START, minutes=60)
    assert sum(
        b.minutes for b in agenda.blocks
    ) == 60 and agenda.end - agenda.start == dt.timedelta(minutes=60)
    with pytest.raises(UserError, match="not a review"):
        build_agenda("checkout", SAMPLE, LintOptions(), start=START, minutes=2)
    with pytest.raises(UserError, match="no time zone"):
        build_agenda("checkout", SAMPLE, LintOptions(), start=START.replace(tzinfo=None))


def test_printable_html_escapes_the_document() -> None:
    hostile = SAMPLE.replace("## Summary\n", "## Summary\n\n<script>alert(1)</script>\n", 1)
    page = to_html(build_agenda("checkout", hostile, LintOptions(), start=START))
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_meeting_notes_are_saved_as_a_revision(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Checkout errors")
    start_postmortem(
        uow, incident.id, author="priya", markdown=SAMPLE.replace("Published", "Draft", 1)
    )
    agenda = incident_agenda(uow, incident.slug, LintOptions(), start=START)
    assert agenda.blocks[0].lines
    saved = save_meeting_notes(
        uow,
        incident.slug,
        {"timeline": "14:20 is approximate; check the deploy log", "actions": ""},
        author="jonas",
        expected_version=1,
    )
    assert saved.version == 2
    assert "**Timeline:** 14:20 is approximate; check the deploy log" in saved.markdown
    assert "review meeting notes" in postmortem_history(uow, incident.id)[-1].changes
    with pytest.raises(UserError, match="empty"):
        save_meeting_notes(uow, incident.slug, {"summary": " "}, author="j", expected_version=2)
