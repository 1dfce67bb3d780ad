"""Helpers the rule families share: is a section filled in, or still the template?"""

from __future__ import annotations

import re
from functools import cache

from hindsight.core.checks.context import Context
from hindsight.core.checks.rule import Finding, at
from hindsight.core.document.model import Block, Raw, Section, Span, block_text
from hindsight.core.document.template import TEMPLATE, SectionKind, contains_placeholder

_SPACE = re.compile(r"\s+")
_COMMENT = re.compile(r"^\s*<!--.*?-->\s*$", re.DOTALL)
NOT_APPLICABLE = re.compile(
    r"^\s*(?:not\s+measurable|unmeasurable|not\s+measured|n/?a|none|not\s+applicable|"
    r"unknown|not\s+known|no\s+slo|0|zero|nil)\b",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


@cache
def template_texts() -> frozenset[str]:
    """Every block of the seed template, normalised: guidance text is not content."""
    from hindsight.core.document.parse import parse

    texts: set[str] = set()
    for section in parse(TEMPLATE).sections:
        for block in section.blocks:
            texts.add(_normal(block_text(block)))
    return frozenset(texts)


@cache
def template_cells() -> frozenset[str]:
    """Cells of the template's tables ("<verb-led description>" reads as an HTML tag)."""
    from hindsight.core.document.model import Table
    from hindsight.core.document.parse import parse

    cells: set[str] = set()
    for section in parse(TEMPLATE).sections:
        for block in section.blocks:
            if isinstance(block, Table):
                cells.update(c.strip() for row in block.rows for c in row)
    return frozenset(cells)


def is_content(block: Block) -> bool:
    """True when the block says something the author wrote (not a comment, guidance or `<…>`)."""
    text = block_text(block)
    if isinstance(block, Raw) and _COMMENT.match(text):
        return False
    if not text.strip() or _normal(text) in template_texts():
        return False
    stripped = re.sub(r"<[^<>\n]{2,}>", "", text) if contains_placeholder(text) else text
    return bool(re.search(r"[A-Za-z0-9]", re.sub(r"\b(?:HH:MM|YYYY-MM-DD)\b", "", stripped)))


def has_content(blocks: tuple[Block, ...]) -> bool:
    return any(is_content(b) for b in blocks)


def heading_line(section: Section | None) -> int:
    return section.span.start if section and section.span else 1


def kind_title(kind: SectionKind) -> str:
    from hindsight.core.document.template import SECTIONS

    return next(s.title for s in SECTIONS if s.kind is kind)


def first_term(ctx: Context, kind: str, text: str, span: Span | None, label: str) -> Finding | None:
    """A finding for the first use of a `kind` vocabulary term in `text`, or None."""
    for hit in ctx.vocabulary(kind).find(text, people=ctx.people_keys):
        return at(
            span,
            f"{label}: {hit.term.message}",
            suggestion=hit.term.suggestion,
            confidence=hit.term.confidence,
        )
    return None
