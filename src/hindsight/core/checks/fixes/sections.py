"""Missing template sections inserted as empty headings, where the template puts them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hindsight.core.checks.fixes.edits import Edit
from hindsight.core.document.model import Document
from hindsight.core.document.template import SectionSpec, section_order, section_spec


def missing(document: Document, lines: Sequence[str], required: Sequence[str]) -> Iterator[Edit]:
    present = {kind for kind, _ in document.known_sections()}
    wanted: list[SectionSpec] = []
    for title in required:
        spec = section_spec(title)
        if spec is not None and spec.kind not in present and spec not in wanted:
            wanted.append(spec)
    wanted.sort(key=lambda spec: section_order(spec.kind))
    inserts: dict[int, list[str]] = {}  # line to insert before (len+1: the end) → headings
    for spec in wanted:
        order = section_order(spec.kind)
        later = next(
            (
                section
                for kind, section in document.known_sections()
                if section_order(kind) > order and section.span is not None
            ),
            None,
        )
        if later is not None and later.span is not None:
            inserts.setdefault(later.span.start, []).append(f"{'#' * later.level} {spec.title}")
        else:
            inserts.setdefault(_end(lines), []).append(f"## {spec.title}")
    for before, headings in inserts.items():
        if before > len(lines) or (before == len(lines) and lines[-1] == ""):
            # At the end: a blank line, then each heading followed by a blank line.
            body: list[str] = []
            for heading in headings:
                body += ["", heading]
            if lines and lines[-1] == "" and before == len(lines):
                body = body[1:] if len(lines) == 1 else body
            yield Edit(before, before - 1, tuple(body), "ST003", "missing sections")
        else:
            body = []
            for heading in headings:
                body += [heading, ""]
            yield Edit(before, before - 1, tuple(body), "ST003", "missing sections")


def _end(lines: Sequence[str]) -> int:
    """Where appended text goes: before the final empty string a trailing newline leaves."""
    return len(lines) if lines and lines[-1] == "" else len(lines) + 1
