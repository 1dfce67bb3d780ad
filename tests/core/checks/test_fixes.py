"""Safe fixes: what each one rewrites, and that none touches prose (corpus and Hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.checks import LintOptions, all_rules, lint
from hindsight.core.checks.fixes import FIXED_CODES, fix
from hindsight.core.document import parse, render
from tests.core.checks.base import base_text
from tests.core.checks.fixes_check import CORPUS, check_fix
from tests.core.document.strategies import documents

MESSY = """\
# Postmortem: checkout broke

**Sev:** sev 2
**Status**: in review
**Date of incident:** 2026-03-14
**Author:** Mei Lin

Free text under the header stays as it is.

## Summary

Checkout broke for 47 minutes at 2:32 PM, and the words stay.

## Timeline

All times in UTC.

- 2:32 PM — deploy goes out (deploy)
- 2026/03/14 9:05 — errors rise (alert)
- around 14:50 someone noticed

## Action items

| owner | Action | category | Due date | Ticket |
|---|---|---|---|---|
| Mei Lin | Alert on pool wait | Detection | 2026-04-01 | REL-1 |
| Mei Lin | Cap the pool | Prevent | 2026-04-01 | REL-2 |
| Mei Lin | Review | monitoring | 2026-04-01 | REL-3 |
"""


def test_fixable_metadata_matches_the_fixers() -> None:
    assert {r.code for r in all_rules() if r.fixable} == set(FIXED_CODES)


def test_each_fix() -> None:
    out = fix(MESSY).text
    lines = out.split("\n")
    assert lines[2:6] == [
        "**Status:** In review",
        "**Severity:** SEV-2",
        "**Date of incident:** 2026-03-14",
        "**Author:** Mei Lin",
    ]
    assert "- 14:32 — deploy goes out (deploy)" in lines
    assert "- 2026-03-14 09:05 — errors rise (alert)" in lines
    assert "- around 14:50 someone noticed" in lines  # a guess is not a fix
    assert "at 2:32 PM, and the words stay." in out  # prose keeps its own times
    assert "| Owner   | Action             | Type       | Due        | Tracking |" in lines
    assert "| Mei Lin | Alert on pool wait | Detection  | 2026-04-01 | REL-1    |" in lines
    assert "| Mei Lin | Cap the pool       | prevent    | 2026-04-01 | REL-2    |" in lines
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == [
        "## Summary",
        "## Impact",
        "## Timeline",
        "## What went well",
        "## What went poorly",
        "## Root cause and contributing factors",
        "## Five whys",
        "## Action items",
        "## Reference materials",
    ]
    codes = {d.code for d in lint(parse(out)).diagnostics}
    assert "ST003" not in codes and "ST005" not in codes
    assert [d.message for d in lint(parse(out)).diagnostics if d.code == "AC005"] == [
        "type 'Detection' is not one of: prevent, detect, mitigate, process",
        "type 'monitoring' is not one of: prevent, detect, mitigate, process",
    ]
    assert check_fix(MESSY) == []


def test_only_the_codes_asked_for() -> None:
    out = fix(MESSY, codes={"ST005"}).text
    assert "## Impact" not in out and "**Sev:** sev 2" in out
    assert out.index("**Status**: in review") < out.index("**Sev:**")


def test_options_decide_which_sections_are_required() -> None:
    options = LintOptions(rule_options={"ST003": {"sections": ("Summary", "Five whys")}})
    headings = [line for line in fix(MESSY, options).text.split("\n") if line.startswith("## ")]
    assert headings == ["## Summary", "## Timeline", "## Five whys", "## Action items"]


def test_clean_document_unchanged_and_line_endings_kept() -> None:
    good = base_text()
    assert not fix(good).changed and fix(good).text == good
    crlf = MESSY.replace("\n", "\r\n")
    assert fix(crlf).text == fix(MESSY).text.replace("\n", "\r\n")


def test_repeated_field_is_not_reordered() -> None:
    text = "# Postmortem: x\n\n**Author:** A\n**Status:** Draft\n**Author:** B\n"
    assert "**Author:** A\n**Status:** Draft\n**Author:** B" in fix(text).text


CORPUS_FILES = sorted(CORPUS.glob("*.md"))


@pytest.mark.skipif(not CORPUS_FILES, reason="the shared corpus is not checked out here")
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_corpus_keeps_prose(path: Path) -> None:
    assert check_fix(path.read_text("utf-8")) == []


_LABELS = {"Severity": "Sev", "Status": "State", "Date of incident": "Date", "Author": "Authors"}
_VALUES = {"Draft": "draft", "In review": "in-review", "SEV-1": "sev1", "SEV-3": "Sev 3"}


@st.composite
def messy(draw: st.DrawFn) -> str:
    """Generated documents, rendered, then written the way people do: aliases, lower case,
    reordered fields, 12-hour times and Type nouns."""
    text = render(draw(documents()))
    for canonical, alias in _LABELS.items():
        if draw(st.booleans()):
            text = text.replace(f"**{canonical}:**", f"**{alias}:**")
    for canonical, alias in _VALUES.items():
        text = text.replace(f":** {canonical}\n", f":** {alias}\n")
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["Detection", "Prevention", "mitigate", "Process", "other"]))
        text += (
            "\n## Action items\n\n| Owner | Action | Type | Due |\n| --- | --- | --- | --- |\n"
            f"| Mei Lin | Alert on waits | {kind} | 2026-04-01 |\n"
        )
    if draw(st.booleans()):
        hour = draw(st.integers(min_value=1, max_value=12))
        text += f"\n## Timeline\n\n- {hour}:05 PM — errors rise (alert)\n- {hour}:07 pm — paged\n"
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messy())
def test_generated_documents_keep_prose(text: str) -> None:
    assert check_fix(text) == []
