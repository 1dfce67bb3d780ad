"""Where a finding sits in its document by meaning: the section heading above its line."""

from __future__ import annotations

from hindsight.core.document.model import Document

FRONT = "(header)"


def section_of(document: Document | None, line: int) -> str:
    """The heading of the section holding `line`; FRONT above the first section."""
    if document is None:
        return FRONT
    found = FRONT
    for section in document.sections:
        if section.span is not None and section.span.start <= line:
            found = "#" * section.level + " " + section.heading
        elif section.span is not None:
            break
    return found
