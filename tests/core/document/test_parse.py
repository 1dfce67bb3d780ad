"""Parsing real-world shapes into the model, with line spans."""

from __future__ import annotations

from hindsight.core.document import (
    BulletList,
    FrontMatter,
    HeaderField,
    Paragraph,
    Raw,
    SectionKind,
    Span,
    Table,
    parse,
    render,
)
from hindsight.core.document.action_items import read_action_items
from hindsight.core.document.readers import read_five_whys, read_root_cause, read_timeline


def test_aliases_map_to_template_sections() -> None:
    text = "\n\n".join(
        f"{'#' * level} {heading}\n\ntext"
        for level, heading in [
            (2, "Issue Summary"),
            (3, "Root Cause(s)"),
            (2, "Timeline (all times UTC)"),
            (2, "Action Items"),
            (2, "Follow-ups"),
            (2, "Corrective actions"),
            (2, "Lessons learned"),
            (4, "5 Whys"),
            (2, "Something we do not model"),
        ]
    )
    kinds = [s.kind for s in parse(text).sections]
    assert kinds == [
        SectionKind.SUMMARY,
        SectionKind.ROOT_CAUSE,
        SectionKind.TIMELINE,
        SectionKind.ACTION_ITEMS,
        SectionKind.ACTION_ITEMS,
        SectionKind.ACTION_ITEMS,
        SectionKind.WENT_POORLY,
        SectionKind.FIVE_WHYS,
        None,
    ]


def test_header_fields_in_every_shape_keep_unknown_fields_in_place() -> None:
    text = (
        "# Postmortem: x\n\n**Status:** Draft\n**Severity**: SEV-2\nDate: 2026-01-02\n"
        "**Pager rotation:** blue\n\n- **Author:** Ana\n- **Reviewers:** Bo\n"
    )
    document = parse(text)
    assert [(f.label, f.key, f.value) for f in document.header] == [
        ("Status", "Status", "Draft"),
        ("Severity", "Severity", "SEV-2"),
        ("Date", "Date of incident", "2026-01-02"),
        ("Pager rotation", None, "blue"),
        ("Author", "Author", "Ana"),
        ("Reviewers", "Reviewers", "Bo"),
    ]
    assert [f.span for f in document.header][:4] == [Span(n, n) for n in (3, 4, 5, 6)]
    assert "**Pager rotation:** blue" in render(document)


def test_header_as_a_table() -> None:
    text = "# T\n\n| Field | Value |\n|---|---|\n| Status | Published |\n| Severity | SEV-1 |\n"
    document = parse(text)
    assert document.field_value("Status") == "Published"
    assert document.field_value("Severity") == "SEV-1"
    assert document.field("Severity") == HeaderField("Severity", "SEV-1")


def test_plain_lines_that_are_not_fields_stay_prose() -> None:
    document = parse("# T\n\nNote: this is prose, not a field.\n")
    assert document.header == ()
    assert document.front[1] == Paragraph("Note: this is prose, not a field.")


def test_spans_point_at_source_lines() -> None:
    text = "# T\n\n## Summary\n\nOne.\nTwo.\n\n## Timeline\n\n- 14:00 — a (alert)\n- 14:05 — b\n"
    document = parse(text)
    summary = document.section(SectionKind.SUMMARY)
    assert summary is not None and summary.span == Span(3, 3)
    assert summary.blocks[0].span == Span(5, 6)
    entries = read_timeline(document).entries
    assert [e.span for e in entries] == [Span(10, 10), Span(11, 11)]
    assert entries[0].source == "alert" and entries[0].clock == (14, 0, 0)


def test_front_matter_code_quotes_and_comments_are_kept_verbatim() -> None:
    text = (
        "---\ntitle: x\n---\n\n# T\n\n## Summary\n\n<!-- hindsight: disable=BL001 -->\n\n"
        "```\ncode  with  spaces\n```\n\n> quoted\n> text\n"
    )
    document = parse(text)
    assert document.front[0] == FrontMatter("---\ntitle: x\n---", "yaml")
    summary = document.section(SectionKind.SUMMARY)
    assert summary is not None
    assert summary.blocks == (
        Raw("<!-- hindsight: disable=BL001 -->"),
        Raw("```\ncode  with  spaces\n```"),
        Raw("> quoted\n> text"),
    )
    assert render(document) == text


def test_lists_tables_and_tasks() -> None:
    text = (
        "## Action items\n\n| Owner | Action | Type | Due | Tracking |\n|---|---|---|---|---|\n"
        "| Ana | Add a test | prevent | 2026-02-01 | REL-1 |\n\n"
        "- [x] Alert on pool waits\n- [ ] Update runbook\n  second line\n"
    )
    document = parse(text)
    section = document.section(SectionKind.ACTION_ITEMS)
    assert section is not None
    table, tasks = section.blocks
    assert isinstance(table, Table) and table.rows == (
        ("Ana", "Add a test", "prevent", "2026-02-01", "REL-1"),
    )
    assert isinstance(tasks, BulletList)
    assert [(i.text, i.checked) for i in tasks.items] == [
        ("Alert on pool waits", True),
        ("Update runbook\nsecond line", False),
    ]
    actions = read_action_items(document)
    assert actions[0].owner == "Ana" and actions[0].type == "prevent"
    assert actions[1].done is True and actions[2].done is False


def test_setext_headings_and_titles() -> None:
    document = parse("Outage\n======\n\nSummary\n-------\n\nDown for 5 minutes.\n")
    assert document.description == "Outage"
    assert [s.kind for s in document.sections] == [SectionKind.SUMMARY]
    assert render(document).startswith("# Outage\n\n## Summary\n")


def test_readers_on_prose_shapes() -> None:
    text = (
        "## Root cause\n\nA pool change cut connections. Contributing factors: (1) no test; "
        "(2) tiny canary.\n\n## Five whys\n\n- Why 500s? Pool exhausted.\n- Why? A config change.\n"
    )
    document = parse(text)
    cause = read_root_cause(document)
    assert cause.statement == "A pool change cut connections."
    assert [f.text for f in cause.factors] == ["no test", "tiny canary"]
    assert [(w.question, w.answer) for w in read_five_whys(document)] == [
        ("Why 500s?", "Pool exhausted."),
        ("Why?", "A config change."),
    ]


def test_timeline_timestamps_in_their_forms() -> None:
    text = (
        "## Timeline\n\nAll times in UTC.\n\n- 2026-03-14 23:58 — a\n- 00:03:07 — b\n"
        "- 04:49 PM UTC c\n- around 14:20 someone noticed\n- 13:55 PM d\n"
    )
    timeline = read_timeline(parse(text))
    assert timeline.timezone == "UTC"
    stamps = [(e.date, e.time, e.clock) for e in timeline.entries]
    assert stamps == [
        ("2026-03-14", "23:58", (23, 58, 0)),
        (None, "00:03:07", (0, 3, 7)),
        (None, "04:49 PM UTC", (16, 49, 0)),
        (None, None, None),
        (None, "13:55 PM", None),
    ]


def test_anything_parses() -> None:
    for text in ["", "\n\n", "|", "#", "- ", "1.", "```", "<div>", "---", "+++\n+++", "\x00"]:
        document = parse(text)
        assert parse(render(document)) == document


def test_link_reference_definitions_are_kept_in_place() -> None:
    text = "## Summary\n\nSee the [fix].\n\n[fix]: https://example.com/pull/1\n\n## Timeline\n"
    document = parse(text)
    summary = document.section(SectionKind.SUMMARY)
    assert summary is not None
    assert summary.blocks[1] == Raw("[fix]: https://example.com/pull/1")
    assert render(document) == text


def test_zones_are_known_abbreviations_not_any_capitalised_word() -> None:
    timeline = read_timeline(parse("## Timeline\n\n- 14:05 CI runs\n- 14:06 CEST pager\n"))
    assert [(e.zone, e.text) for e in timeline.entries] == [(None, "CI runs"), ("CEST", "pager")]


def test_ordered_items_keep_the_numbers_the_author_wrote() -> None:
    text = "## Steps\n\n3. first\n4. second\n4. again\n\n9. later\n10. last\n"
    (steps,) = parse(text).sections[0].blocks
    assert isinstance(steps, BulletList) and steps.start == 3
    # only the numbers that do not follow on from the one before are stored
    assert [i.number for i in steps.items] == [None, None, 4, 9, None]
    assert render(parse(text)).endswith("3. first\n4. second\n4. again\n9. later\n10. last\n")


def test_plain_and_bold_outside_fields_keep_values_that_are_not_allowed() -> None:
    text = "# T\n\nStatus: half done\n\n**Author**: @quill\n\n**Status:** Draft\n"
    document = parse(text)
    assert [(f.label, f.key, f.value) for f in document.header] == [
        ("Status", "Status", "half done"),
        ("Author", "Author", "@quill"),
        ("Status", "Status", "Draft"),  # a second Status is kept, not merged away
    ]
    assert render(document) == (
        "# T\n\n**Status:** half done\n**Author:** @quill\n**Status:** Draft\n"
    )
