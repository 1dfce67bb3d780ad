"""Refreshing a draft: parts still as drafted are replaced, parts people edited are kept and
the new text only proposed, template placeholders are filled."""

from __future__ import annotations

from dataclasses import replace

from hindsight.core.document import parse, render
from hindsight.core.document.template import TEMPLATE
from hindsight.core.drafting import draft
from hindsight.core.drafting.refresh import Action, refresh
from hindsight.core.timeline import build_timeline
from tests.core.drafting.helpers import sample_events, sample_metrics

EVENTS = sample_events()


def _early() -> str:
    """A first draft from the evidence up to the page: no impact data, no resolution yet."""
    cut = [e for e in EVENTS if e.at.hour < 15]
    return render(draft(build_timeline(cut)).document)


def _full() -> object:
    return draft(build_timeline(EVENTS), [sample_metrics()])


def test_untouched_parts_are_replaced_by_the_new_draft() -> None:
    new = _full()
    merged = refresh(parse(_early()), new)  # type: ignore[arg-type]
    assert render(merged.document) == render(new.document)  # type: ignore[attr-defined]
    actions = {p.part: p.action for p in merged.proposals}
    assert actions["summary"] is Action.UPDATED and actions["impact"] is Action.UPDATED
    assert all(p.action is not Action.KEPT for p in merged.proposals)


def test_refreshing_with_the_same_draft_changes_nothing() -> None:
    text = render(_full().document)  # type: ignore[attr-defined]
    merged = refresh(parse(text), _full())  # type: ignore[arg-type]
    assert render(merged.document) == text and merged.proposals == ()


def test_edited_summary_and_person_fields_survive_the_refresh() -> None:
    early = _early()
    mine = "The checkout was down for a while; Priya rolled it back. Users saw errors."
    summary = early.split("## Summary\n\n", 1)[1].split("\n", 1)[0]
    edited = early.replace(summary, mine).replace("**Author:** <name>", "**Author:** Priya Raman")
    new = _full()
    merged = refresh(parse(edited), new)  # type: ignore[arg-type]
    out = render(merged.document)
    assert mine in out and "**Author:** Priya Raman" in out
    assert "**Duration:** 00:47" in out  # the header's drafted fields were still as drafted
    kept = {p.part: p for p in merged.kept}
    assert set(kept) == {"summary"}
    assert "32,346 of 205,425" in kept["summary"].text  # the new text, offered not applied
    assert "32,346 of 205,425 requests to checkout-api (15.7%)" in out  # impact was untouched


def test_an_edited_header_is_kept_whole() -> None:
    early = _early().replace("**Severity:** SEV-1 / SEV-2 / SEV-3", "**Severity:** SEV-2")
    merged = refresh(parse(early), _full())  # type: ignore[arg-type]
    assert "**Severity:** SEV-2" in render(merged.document)
    assert [p.part for p in merged.kept] == ["header"]


def test_template_sections_are_filled_and_missing_ones_added() -> None:
    document = parse(TEMPLATE)
    document = replace(
        document, sections=tuple(s for s in document.sections if s.heading != "Timeline")
    )
    merged = refresh(document, _full())  # type: ignore[arg-type]
    out = render(merged.document)
    actions = {p.part: p.action for p in merged.proposals}
    assert actions["summary"] is Action.FILLED and actions["timeline"] is Action.FILLED
    assert actions["header"] is Action.KEPT  # a plain template header was not drafted by us
    headings = [s.heading for s in merged.document.sections]
    assert headings.index("Timeline") == headings.index("Impact") + 1
    assert "- 14:36:20 — Detected: HighErrorRate (page) firing" in out
