"""The template in the code is the guide's template, field for field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from hindsight.core.document import parse, render
from hindsight.core.document.action_items import read_action_items
from hindsight.core.document.blank import blank_postmortem
from hindsight.core.document.readers import read_impact
from hindsight.core.document.template import (
    HEADER_FIELDS,
    IMPACT_FIELDS,
    SECTIONS,
    TEMPLATE,
    SectionKind,
    is_placeholder,
)


def _seed_template(shared: Path) -> str:
    guide = (shared / "seed" / "blameless-postmortem-guide.txt").read_text(encoding="utf-8")
    start = guide.index("# Postmortem: <one-line")
    end = guide.index("You don’t need a tool to start")
    return guide[start:end]


def test_header_fields_match_the_seed(shared: Path) -> None:
    seed = _seed_template(shared)
    labels = re.findall(r"^\*\*(.+?):\*\* (.*)$", seed, re.MULTILINE)
    assert [(f.key, f.placeholder) for f in HEADER_FIELDS] == labels
    assert parse(seed).header == parse(TEMPLATE).header


def test_sections_match_the_seed_plus_root_cause(shared: Path) -> None:
    seed = _seed_template(shared)
    headings = re.findall(r"^## (.+)$", seed, re.MULTILINE)
    ours = [s.title for s in SECTIONS]
    assert [h for h in ours if h != "Root cause and contributing factors"] == headings
    assert ours.index("Root cause and contributing factors") == ours.index("Five whys") - 1
    assert [s.heading for s in parse(TEMPLATE).sections] == ours


def test_impact_fields_and_action_columns_match_the_seed(shared: Path) -> None:
    seed = parse(_seed_template(shared))
    assert [f.label for f in read_impact(seed)] == [f.key for f in IMPACT_FIELDS]
    assert [f.value for f in read_impact(seed)] == [f.placeholder for f in IMPACT_FIELDS]
    # Without a blank line after it (as in the guide's flattened text), GFM reads the closing
    # sentence as a third table row; the template's two placeholder rows are the same.
    assert read_action_items(seed)[:2] == read_action_items(parse(TEMPLATE))


def test_new_postmortem_is_the_template_field_for_field() -> None:
    document = blank_postmortem("cache stampede", severity="SEV-1", date=dt.date(2026, 1, 2))
    template = parse(TEMPLATE)
    assert [f.key for f in document.header] == [f.key for f in template.header]
    assert document.field_value("Status") == "Draft"
    assert document.field_value("Severity") == "SEV-1"
    assert document.field_value("Date of incident") == "2026-01-02"
    assert document.description == "cache stampede"
    assert document.sections == template.sections
    assert render(parse(render(document))) == render(document)


def test_placeholders_are_recognised() -> None:
    assert is_placeholder("<name>")
    assert is_placeholder("YYYY-MM-DD")
    assert is_placeholder("Draft / In review / Published")
    assert not is_placeholder("Priya Raman")
    assert not is_placeholder("<https://example.com>")
    assert not is_placeholder("<br>")
    assert not is_placeholder("<!-- hindsight: disable=BL001 -->")
    summary = parse(TEMPLATE).section(SectionKind.SUMMARY)
    assert summary is not None


def test_template_cells_are_placeholders_but_real_html_is_not() -> None:
    assert is_placeholder("<verb-led description>")
    assert is_placeholder("<issue link>")
    assert not is_placeholder('<a href="https://x">')
    assert not is_placeholder("<details>")
