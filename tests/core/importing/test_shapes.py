"""Import fixtures written for the project, one per shape real postmortems come in, against
the model each should produce: sections, header facts, placed timeline rows, findings."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from hindsight.core.analysis import record_from_import
from hindsight.core.document.action_items import read_action_items
from hindsight.core.document.model import BulletList
from hindsight.core.document.readers import read_root_cause
from hindsight.core.document.template import TEMPLATE, SectionKind
from hindsight.core.importing import ImportResult, import_text

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> ImportResult:
    return import_text((FIXTURES / name).read_text(encoding="utf-8"), name=name)


def codes(result: ImportResult) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in result.findings]


def clocks(result: ImportResult) -> list[str | None]:
    return [f"{e.clock[0]:02d}:{e.clock[1]:02d}" if e.clock else None for e in result.events]


def test_sre_book_layout() -> None:
    result = load("sre_book.md")
    assert result.sections == (
        "summary", "impact", "root_cause", "action_items", "went_well", "went_poorly", "timeline",
    )  # fmt: skip
    assert result.facts.date == dt.date(2024, 4, 9)
    assert result.facts.duration_minutes == 41
    assert clocks(result) == ["07:58", "08:03", "08:06", "08:09", "08:25", "08:44"]
    assert result.events[0].at == dt.datetime(2024, 4, 9, 7, 58, tzinfo=dt.UTC)
    marks = result.milestones
    assert marks.durations.minutes("detection_gap") == 8  # model push → prober alert
    assert marks.durations.minutes("detection_to_ack") == 3
    actions = read_action_items(result.document)
    assert [(a.owner, a.type) for a in actions] == [("rowan", "prevent"), ("tamsin", "detect")]
    # The grouping heading "Lessons Learned" is dropped, and says so.
    assert ("IP003", 38) in codes(result)
    assert result.document.field_value("Date of incident") == "2024-04-09"


def test_issue_summary_shape_reports_invalid_time_and_missing_date() -> None:
    result = load("issue_summary.md")
    assert result.sections == ("summary", "timeline", "root_cause", "action_items")
    assert clocks(result) == ["13:10", "13:12", None, "14:40"]
    found = codes(result)
    assert ("IP012", 11) in found  # 13:55 PM
    assert ("IP018", 8) in found  # all times approximate
    assert ("IP015", 9) in found  # times but no date (the title's 3-14-24 is not read as one)
    assert result.facts.date is None
    assert "**Timeline (all times approximate)**" in result.markdown


def test_table_timeline_with_zone_in_header_and_unknown_time() -> None:
    result = load("table_timeline.md")
    assert result.facts.date == dt.date(2024, 3, 12)
    assert result.facts.severity == "SEV-2"
    assert result.facts.services == ("Kubernetes",)
    assert result.facts.detection_minutes == 144
    assert clocks(result) == ["09:00", "11:24", "11:40", None, "18:00"]
    assert result.events[0].zone == "CET"
    assert result.events[0].at == dt.datetime(2024, 3, 12, 8, 0, tzinfo=dt.UTC)
    found = codes(result)
    assert ("IP013", 14) in found  # --:--
    assert ("IP011", 15) in found  # dated 12 March after a row dated 13 March
    assert "IP010" not in {c for c, _ in found}
    cause = read_root_cause(result.document)
    assert [f.text for f in cause.factors] == [
        "No monitoring of subnet capacity",
        "Node autoscaling group spans every availability zone",
    ]


def test_key_events_record_without_headings() -> None:
    result = load("key_events.md")
    assert result.sections == ("timeline", "impact", "action_items")
    assert result.facts.date == dt.date(2024, 5, 2)
    assert result.facts.duration_minutes == 85
    assert [e.text for e in result.events] == [
        "First detected", "Incident declared", "Repaired", "Resolved",
    ]  # fmt: skip
    found = codes(result)
    assert ("IP006", 8) in found and ("IP010", 9) in found
    assert result.document.field_value("Reported by") is None  # "Identified" kept as written
    assert any(f.label == "Identified" for f in result.document.header)
    assert read_action_items(result.document)[0].tracking == "#4401"


def test_blog_with_toml_front_matter_and_date_headings() -> None:
    result = load("blog_toml.md")
    assert result.facts.title == "Registry incident report for 2024-02-20"
    assert result.facts.date == dt.date(2024, 2, 20)
    assert result.sections == ("summary", "root_cause", "timeline", "action_items")
    assert [e.date for e in result.events] == [dt.date(2024, 2, 20)] * 4 + [
        dt.date(2024, 2, 21)
    ] * 2
    assert result.milestones.durations.minutes("detection_gap") == 11
    assert result.events[-1].at == dt.datetime(2024, 2, 21, 14, 10, tzinfo=dt.UTC)
    assert ("IP004", 6) in codes(result)  # the intro paragraph became the summary
    assert result.markdown.startswith("+++\ntitle = ")


def test_setext_headings_zone_in_preamble_colonless_and_midnight() -> None:
    result = load("setext.md")
    assert result.sections == ("summary", "timeline", "action_items")
    assert result.facts.date == dt.date(2024, 3, 4)
    assert clocks(result) == ["16:25", "23:50", "00:20", "00:10", "03:05"]
    assert [e.day for e in result.events] == [0, 0, 1, 1, 1]
    assert result.events[0].zone == "PDT"
    assert result.events[0].at == dt.datetime(2024, 3, 4, 23, 25, tzinfo=dt.UTC)
    found = codes(result)
    assert ("IP014", 16) in found  # 23:50 → 00:20 read as the next day
    assert ("IP011", 17) in found  # 00:10 after 00:20
    assert "## Timeline\n\nAll times PDT." in result.markdown
    assert [a.done for a in read_action_items(result.document)] == [False, True]


def test_no_headings_keeps_prose_as_summary_and_lists_promises() -> None:
    result = load("no_headings.md")
    assert result.sections == ("summary", "action_items")
    assert result.facts.date == dt.date(2024, 3, 3)
    assert result.facts.duration_minutes == 120
    assert {"IP021", "IP004", "IP007", "IP019"} <= {c for c, _ in codes(result)}
    actions = read_action_items(result.document)
    assert [a.action for a in actions] == [
        "We'll add a manual override to our database health checks."
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.md")))
def test_import_is_idempotent_and_loses_no_words(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    result = import_text(text, name=name)
    assert import_text(result.markdown).markdown == result.markdown
    # Heading wording is replaced by the template's title (and reported); all else stays.
    lines = text.split("\n")
    underline = re.compile(r"^\s*[=-]{3,}\s*$")
    # (an emphasised line standing in for a heading counts as a heading)
    label = re.compile(r"^\s*(#{1,6}\s|- \*\*[^*]+\*\*:?\s*$|_[^_]+_\s*$)")
    kept = [
        line
        for index, line in enumerate(lines)
        if not label.match(line)
        and not underline.match(line)
        and not (index + 1 < len(lines) and underline.match(lines[index + 1]) and line.strip())
    ]
    words = [w for line in kept for w in re.findall(r"\w+", line)]
    out = re.findall(r"\w+", result.markdown)
    missing = [w for w in set(words) if words.count(w) > out.count(w)]
    assert not missing, missing


def test_emphasised_lines_stand_in_for_headings_in_a_journal_entry() -> None:
    result = load("emphasis_headings.md")
    # `_Lessons learned_` names a template section; `_Background_` and `_Steps taken_` do not
    assert result.sections == ("went_poorly",)
    assert ("IP022", 32) in codes(result)
    assert ("IP001", 32) in codes(result)
    assert "IP023" not in {c for c, _ in codes(result)}
    poorly = result.document.section(SectionKind.WENT_POORLY)
    assert poorly is not None and poorly.level == 2
    (lessons,) = poorly.blocks
    assert isinstance(lessons, BulletList) and len(lessons.items) == 3
    # the prose and steps stay under the author's own heading, numbers as written
    assert "_Steps taken_" in result.markdown
    assert "3. Put back 2.3.9, which failed the same way.\n3. Rebuilt" in result.markdown
    assert "4. Did the same on relay BETA.\n6. Left BETA" in result.markdown


def test_an_emphasised_line_inside_a_known_section_stays_emphasis() -> None:
    text = "# T\n\n## Summary\n\nIt broke.\n\n**Action items**\n\nNone yet.\n"
    result = import_text(text)
    assert result.sections == ("summary",)
    assert "IP022" not in {c for c, _ in codes(result)}
    assert "**Action items**\n\nNone yet." in result.markdown


def test_headings_the_template_does_not_know_keep_their_text_and_say_so() -> None:
    text = "# Ops journal\n\n## Tuesday\n\nThe relay restarted twice.\n\n## Wednesday\n\nQuiet.\n"
    result = import_text(text)
    assert result.sections == ()
    assert ("IP023", 3) in codes(result)
    assert "## Tuesday\n\nThe relay restarted twice.\n\n## Wednesday\n\nQuiet.\n" in result.markdown


def test_template_placeholders_are_never_facts() -> None:
    """The seed template's "SEV-1 / SEV-2 / SEV-3", "Draft / In review / Published",
    "YYYY-MM-DD" and "<hh:mm>" are nobody's answer: none of them is read as a fact."""
    result = import_text(TEMPLATE)
    facts = result.facts
    assert (facts.severity, facts.status, facts.date, facts.duration_minutes) == (
        None,
        None,
        None,
        None,
    )
    assert facts.services == () and facts.reported_by is None
    assert record_from_import(result).severity is None
    filled = import_text(TEMPLATE.replace("SEV-1 / SEV-2 / SEV-3", "SEV-2", 1))
    assert filled.facts.severity == "SEV-2"
