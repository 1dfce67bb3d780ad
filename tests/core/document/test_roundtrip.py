"""The round-trip invariants of the Markdown ⇄ model mapping."""

from __future__ import annotations

from hypothesis import given, settings

from hindsight.core.document import Document, parse, render
from hindsight.core.document.template import TEMPLATE
from hindsight.samples import sample_postmortem
from tests.core.document.strategies import documents


@settings(max_examples=200, deadline=None)
@given(documents())
def test_parse_of_render_is_identity(document: Document) -> None:
    assert parse(render(document)) == document


@settings(max_examples=100, deadline=None)
@given(documents())
def test_render_is_idempotent(document: Document) -> None:
    once = render(document)
    assert render(parse(once)) == once


def test_template_and_sample_are_canonical() -> None:
    assert render(parse(TEMPLATE)) == TEMPLATE
    assert render(parse(sample_postmortem())) == sample_postmortem()
