"""Re-drafting without overwriting people: `refresh(current, new_draft)`.

Each drafted part (the header, or a section) carries the digest of the text it was drafted
with (see `provenance`). A part whose text still has that digest is in its drafted state: the
new draft replaces it. A part someone edited keeps their text; the new draft's text is
returned as a proposal for them to take or leave. A section that is still the template's
placeholder (or missing) is filled in. Header fields the draft does not own (Status, Author,
Reviewers) and sections it does not draft are never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from hindsight.core.document.model import Block, Document, FrontItem, HeaderField, Heading, Section
from hindsight.core.document.render import render, render_block
from hindsight.core.document.template import SECTIONS, section_order
from hindsight.core.drafting.draft import Draft, template_document
from hindsight.core.drafting.header import DRAFTED_FIELDS
from hindsight.core.drafting.provenance import (
    HEADER,
    blocks_digest,
    header_digest,
    is_trailer,
    read_trailer,
)


class Action(StrEnum):
    UPDATED = "updated"  # still as drafted: replaced by the new draft
    FILLED = "filled"  # was the template's placeholder, or missing: filled in
    KEPT = "kept"  # edited by a person: left alone, the new text is only proposed


@dataclass(frozen=True)
class Proposal:
    part: str
    action: Action
    reason: str
    text: str  # the newly drafted text of the part (Markdown)


@dataclass(frozen=True)
class Refresh:
    document: Document
    proposals: tuple[Proposal, ...]

    @property
    def kept(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.action is Action.KEPT)


def _trailer_digest(items: tuple[FrontItem, ...] | tuple[Block, ...], part: str) -> str | None:
    for item in items:
        found = read_trailer(item)
        if found is not None and found.part == part:
            return found.digest
    return None


def _front_text(front: tuple[FrontItem, ...]) -> str:
    return render(Document(front=tuple(i for i in front if not is_trailer(i))))


def _refresh_header(
    current: Document, new: Document
) -> tuple[tuple[FrontItem, ...], Proposal | None]:
    stored = _trailer_digest(current.front, HEADER)
    new_digest = header_digest(new.front, DRAFTED_FIELDS)
    text = _front_text(new.front)
    if stored is None or header_digest(current.front, DRAFTED_FIELDS) != stored:
        if stored == new_digest:
            return current.front, None  # edited, and the draft has nothing new to offer
        reason = "edited since it was drafted" if stored else "not drafted by Hindsight"
        return current.front, Proposal(HEADER, Action.KEPT, reason, text)
    fields = {f.key: f for f in new.front if isinstance(f, HeaderField) and f.key}
    title = new.title
    new_trailer = next(i for i in new.front if is_trailer(i))
    out: list[FrontItem] = []
    for item in current.front:
        if isinstance(item, Heading) and item.level == 1 and title is not None:
            out.append(title)
        elif isinstance(item, HeaderField) and item.key in DRAFTED_FIELDS and item.key in fields:
            out.append(replace(fields[item.key], label=item.label))
        elif is_trailer(item):
            out.append(new_trailer)
        else:
            out.append(item)
    if tuple(out) == current.front:
        return current.front, None
    return tuple(out), Proposal(HEADER, Action.UPDATED, "still as drafted", text)


def _section_text(section: Section) -> str:
    return "\n\n".join(render_block(b) for b in section.blocks)


def _refresh_section(
    current: Section | None, new: Section, part: str
) -> tuple[Section, Proposal | None]:
    new_digest = _trailer_digest(new.blocks, part)
    text = _section_text(new)
    if current is None:
        return new, Proposal(part, Action.FILLED, "the section was missing", text)
    stored = _trailer_digest(current.blocks, part)
    template = template_document().section(new.kind) if new.kind else None
    if stored is None:
        if template is not None and current.blocks == template.blocks:
            return replace(new, heading=current.heading), Proposal(
                part, Action.FILLED, "was the template's placeholder", text
            )
        return current, Proposal(part, Action.KEPT, "not drafted by Hindsight", text)
    if blocks_digest(current.blocks) != stored:
        if stored == new_digest:
            return current, None  # edited, and the draft has nothing new to offer
        return current, Proposal(part, Action.KEPT, "edited since it was drafted", text)
    if current.blocks == new.blocks:
        return current, None
    return replace(new, heading=current.heading), Proposal(
        part, Action.UPDATED, "still as drafted", text
    )


def refresh(current: Document, new_draft: Draft) -> Refresh:
    """`current` merged with `new_draft`: drafted-state parts replaced, edited parts kept."""
    new = new_draft.document
    front, header_proposal = _refresh_header(current, new)
    proposals = [header_proposal] if header_proposal else []
    sections = list(current.sections)
    for spec in SECTIONS:
        drafted = new.section(spec.kind)
        if drafted is None or not any(is_trailer(b) for b in drafted.blocks):
            continue
        index = next((i for i, s in enumerate(sections) if s.kind is spec.kind), None)
        merged, proposal = _refresh_section(
            None if index is None else sections[index], drafted, spec.kind.value
        )
        if index is None:
            index = _insert_at(sections, section_order(spec.kind))
            sections.insert(index, merged)
        else:
            sections[index] = merged
        if proposal is not None:
            proposals.append(proposal)
    return Refresh(Document(front, tuple(sections)), tuple(proposals))


def _insert_at(sections: list[Section], order: int) -> int:
    """Where a missing known section goes: after the last known section that precedes it."""
    at = len(sections)
    for index, section in enumerate(sections):
        kind = section.kind
        if kind is not None and section_order(kind) > order:
            return index
    return at
