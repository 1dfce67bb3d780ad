"""Whole documents with `<!-- expect: CODE -->` markers: the findings must be exactly those.

A marker applies to the next line that is neither blank nor a marker; `CODE+N` means N lines
below it (for table rows, where a comment cannot go between rows).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from hindsight.core.checks import lint
from hindsight.core.document import parse, render
from tests.core.checks.base import BASE, HERE

_MARKER = re.compile(r"^\s*<!--\s*expect:\s*(?P<codes>[^>]*?)\s*-->\s*$")
DOCUMENTS = sorted((HERE / "documents").glob("*.md"))


def expected(text: str) -> Counter[tuple[str, int]]:
    lines = text.split("\n")
    out: Counter[tuple[str, int]] = Counter()
    for index, line in enumerate(lines):
        match = _MARKER.match(line)
        if not match:
            continue
        target = next(
            i
            for i in range(index + 1, len(lines))
            if lines[i].strip() and not _MARKER.match(lines[i])
        )
        for item in re.split(r"[,\s]+", match.group("codes")):
            if item:
                code, _, offset = item.partition("+")
                out[(code, target + 1 + int(offset or 0))] += 1
    return out


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_document_findings_match_markers(path: Path) -> None:
    text = path.read_text("utf-8")
    result = lint(parse(text))
    found = Counter((d.code, d.line) for d in result.diagnostics)
    messages = {(d.code, d.line): d.message for d in result.diagnostics}
    missing = expected(text) - found
    unexpected = found - expected(text)
    assert not missing and not unexpected, {
        "missing": sorted(missing),
        "unexpected": sorted((k, messages[k]) for k in unexpected),
    }


def test_good_example_is_clean_and_reports_the_detection_gap() -> None:
    result = lint(parse(BASE.read_text("utf-8")))
    assert result.diagnostics == ()
    gap = {m.name: m for m in result.metrics}["detection_gap"]
    assert (gap.value, gap.detail) == (24, "14:12 → 14:36")
    assert {m.name: m.value for m in result.metrics}["time_to_resolve"] == 54


def test_bundled_sample_is_clean() -> None:
    from hindsight.samples import sample_postmortem

    assert lint(parse(sample_postmortem())).diagnostics == ()


def test_the_template_in_review_reports_errors_and_as_draft_only_warnings() -> None:
    from hindsight.core.document.template import TEMPLATE

    draft = lint(parse(TEMPLATE.replace("Draft / In review / Published", "Draft")))
    assert draft.diagnostics and {d.severity.value for d in draft.diagnostics} <= {"warning"}
    review = lint(parse(TEMPLATE.replace("Draft / In review / Published", "In review")))
    assert any(d.severity.value == "error" and d.code == "ST014" for d in review.diagnostics)


def test_findings_survive_formatting() -> None:
    text = (HERE / "documents" / "bad-guide-examples.md").read_text("utf-8")
    before = Counter(d.code for d in lint(parse(text)).diagnostics)
    after = Counter(d.code for d in lint(parse(render(parse(text)))).diagnostics)
    assert before == after
