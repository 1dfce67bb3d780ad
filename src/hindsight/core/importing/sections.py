"""Give an imported document the template's shape without losing a word.

Headings are read by meaning and renamed to the template's titles (the original wording kept
as a bold line when it said more); a second section of a kind already seen is folded into the
first; empty headings that only grouped template sections are dropped; unknown sections keep
their text and are re-levelled so they do not nest under a section they did not belong to.
The front of the document is sorted out too: a bold-labelled "key events" record becomes
fields and sections, prose before the first section becomes the summary, and a zone
declaration ("All times PDT.") moves into the timeline. Every step is reported as a finding.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    FrontItem,
    FrontMatter,
    HeaderField,
    Heading,
    ListItem,
    Paragraph,
    Section,
    Span,
    Table,
)
from hindsight.core.document.parse import parse
from hindsight.core.document.readers import split_label
from hindsight.core.document.template import SECTIONS, SectionKind, normalise_label, section_spec
from hindsight.core.importing import findings as f
from hindsight.core.importing.findings import ImportFinding, Level
from hindsight.core.importing.meaning import field_by_meaning, kind_by_meaning
from hindsight.core.importing.zones import declared_zone

TITLES = {spec.kind: spec.title for spec in SECTIONS}


@dataclass
class _Out:
    heading: str
    level: int
    blocks: list[Block]
    span: Span | None
    kind: SectionKind | None


def _line(span: Span | None) -> int | None:
    return span.start if span else None


def _info(code: str, message: str, span: Span | None) -> ImportFinding:
    return ImportFinding(code, message, _line(span), Level.INFO)


def reshape(document: Document) -> tuple[Document, tuple[ImportFinding, ...]]:
    """The document in the template's shape, and what was done to get there."""
    found: list[ImportFinding] = []
    front, extra, preamble, zone_lines = _front(document, found)
    split = _split_at_emphasised_headings(document.sections, found)
    sections = _sections((*extra, *split), found)
    kinds = {s.kind for s in sections}
    if zone_lines:
        timeline = next((s for s in sections if s.kind is SectionKind.TIMELINE), None)
        if timeline is not None:
            timeline.blocks[:0] = zone_lines
        else:
            preamble.extend(zone_lines)
    if SectionKind.ACTION_ITEMS not in kinds:
        promised = _promises([*preamble, *(b for s in sections for b in s.blocks)])
        if promised:
            found.append(
                _info(
                    f.ACTIONS_FROM_PROSE,
                    f'{len(promised.items)} "we will" sentences listed as action items',
                    promised.span,
                )
            )
            sections.append(
                _Out(
                    TITLES[SectionKind.ACTION_ITEMS], 2, [promised], None, SectionKind.ACTION_ITEMS
                )
            )
    if preamble:
        if SectionKind.SUMMARY not in kinds:
            span = preamble[0].span
            found.append(
                _info(
                    f.PREAMBLE_SUMMARY, "prose before the first section kept as the summary", span
                )
            )
            sections.insert(
                0, _Out(TITLES[SectionKind.SUMMARY], 2, preamble, span, SectionKind.SUMMARY)
            )
        else:
            front.extend(preamble)
    return Document(
        tuple(front),
        tuple(Section(s.heading, s.level, tuple(s.blocks), s.span) for s in sections),
    ), tuple(found)


def _front(
    document: Document, found: list[ImportFinding]
) -> tuple[list[FrontItem], list[Section], list[Block], list[Block]]:
    """Front items to keep, sections split out of a key-events record, preamble prose, and
    zone declarations."""
    front: list[FrontItem] = []
    extra: list[Section] = []
    preamble: list[Block] = []
    zones: list[Block] = []
    for item in document.front:
        if isinstance(item, Heading | FrontMatter | HeaderField):
            front.append(item)
        elif isinstance(item, Paragraph):
            fields, rest = _plain_fields(item)
            for field in fields:
                found.append(
                    _info(f.FIELD_ADDED, f"line {field.label!r} read as a header field", field.span)
                )
                front.append(field)
            if rest is None:
                continue
            if declared_zone(rest.text) and len(rest.text) < 200:
                zones.append(rest)
            else:
                preamble.append(rest)
        elif isinstance(item, BulletList) and _is_record(item):
            found.append(
                _info(
                    f.KEY_EVENTS,
                    "bold-labelled record read as header fields and sections",
                    item.span,
                )
            )
            for list_item in item.items:
                entry, section = _record_entry(list_item)
                if entry is not None:
                    front.append(entry)
                if section is not None:
                    extra.append(section)
        else:
            preamble.append(item)
    return front, extra, preamble, zones


_PROMISE = re.compile(
    r"(?:^|(?<=[.!?]\s))((?:we will|we'll|we’ll|we are going to|we plan to|going forward,? we)"
    r"\b[^.!?]*[.!?]?)",
    re.IGNORECASE,
)


def _promises(blocks: list[Block]) -> BulletList | None:
    """Sentences that promise follow-up work ("We'll add …"), as a list of action items."""
    items: list[ListItem] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            text = " ".join(block.text.split("\n"))
            for match in _PROMISE.finditer(text):
                items.append(ListItem(match.group(1).strip(), None, block.span))
    if not items:
        return None
    return BulletList(tuple(items), span=items[0].span)


def _plain_fields(block: Paragraph) -> tuple[list[HeaderField], Paragraph | None]:
    """`Created By: Jane` lines the parser did not know as fields; the rest as a paragraph."""
    fields: list[HeaderField] = []
    rest: list[tuple[int | None, str]] = []
    for offset, line in enumerate(block.text.split("\n")):
        number = block.span.start + offset if block.span else None
        pair = split_label(line) if ":" in line[:40] else None
        if pair and field_by_meaning(pair[0]) and pair[1] and "://" not in pair[0]:
            fields.append(HeaderField(pair[0], pair[1].rstrip(), _one(number)))
        else:
            rest.append((number, line))
    if not rest:
        return fields, None
    if not fields:
        return fields, block
    first, last = rest[0][0], rest[-1][0]
    span = Span(first, last) if first is not None and last is not None else None
    return fields, Paragraph("\n".join(line for _, line in rest), span)


def _one(number: int | None) -> Span | None:
    return Span(number, number) if number is not None else None


def _is_record(block: BulletList) -> bool:
    labelled = [item for item in block.items if item.text.lstrip().startswith(("**", "__"))]
    return len(block.items) >= 2 and len(labelled) * 2 > len(block.items)


def _record_entry(item: ListItem) -> tuple[HeaderField | None, Section | None]:
    head, _, body = item.text.partition("\n")
    pair = split_label(head)
    if pair is None:
        return None, Section(head.strip("*_ :"), 2, (), item.span)
    label, value = pair[0].strip("*_ :"), pair[1].strip()
    if not body.strip() and kind_by_meaning(label) is None and section_spec(label) is None:
        return HeaderField(label, value, item.span), None
    blocks: list[Block] = []
    start = item.span.start if item.span else 1
    if value:
        blocks.append(Paragraph(value, item.span and Span(start, start)))
    if body.strip():
        blocks.extend(_shift(block, start) for block in parse(body).front)  # type: ignore[arg-type]
    return None, Section(
        label, 2, tuple(b for b in blocks if not isinstance(b, Heading)), item.span
    )


def _shift_span(span: Span | None, delta: int) -> Span | None:
    return Span(span.start + delta, span.end + delta) if span else None


def _shift(block: Block, delta: int) -> Block:
    if isinstance(block, BulletList):
        items = tuple(dataclasses.replace(i, span=_shift_span(i.span, delta)) for i in block.items)
        return dataclasses.replace(block, items=items, span=_shift_span(block.span, delta))
    if isinstance(block, Table):
        rows = tuple(_shift_span(s, delta) for s in block.row_spans)
        return dataclasses.replace(block, row_spans=rows, span=_shift_span(block.span, delta))
    return dataclasses.replace(block, span=_shift_span(block.span, delta))


# A paragraph that is one emphasised line, `_Lessons learned_` or `**Action items:**`.
_EMPHASISED = re.compile(
    r"^(?P<mark>\*\*|__|\*|_)(?P<label>[^*_:\n]{1,60}?)\s*:?\s*(?P=mark)\s*:?$"
)


def _placed(heading: str) -> bool:
    return section_spec(heading) is not None or kind_by_meaning(heading) is not None


def _emphasised_heading(block: Block) -> str | None:
    """The label of a paragraph that is only an emphasised line naming a template section: what
    authors who write one long section use instead of headings."""
    if not isinstance(block, Paragraph) or "\n" in block.text.strip():
        return None
    match = _EMPHASISED.match(block.text.strip())
    if match is None:
        return None
    label = match.group("label").strip()
    return label if _placed(label) else None


def _split_at_emphasised_headings(
    sections: tuple[Section, ...], found: list[ImportFinding]
) -> tuple[Section, ...]:
    """Split sections the template does not place at emphasised lines that name a template
    section, so that their text is read as that section. Sections inside a placed one are left
    alone: there the line is the author's emphasis within a section already read."""
    out: list[Section] = []
    placed_levels: list[int] = []  # levels of the placed headings enclosing this section
    for section in sections:
        while placed_levels and placed_levels[-1] >= section.level:
            placed_levels.pop()
        if _placed(section.heading):
            placed_levels.append(section.level)
        if placed_levels:
            out.append(section)
            continue
        current, blocks = section, []
        for block in section.blocks:
            label = _emphasised_heading(block)
            if label is None:
                blocks.append(block)
                continue
            found.append(
                _info(
                    f.EMPHASIS_HEADING, f"emphasised line {label!r} read as a heading", block.span
                )
            )
            out.append(dataclasses.replace(current, blocks=tuple(blocks)))
            current, blocks = Section(label, min(6, section.level + 1), (), block.span), []
        out.append(dataclasses.replace(current, blocks=tuple(blocks)))
    return tuple(out)


@dataclass
class _Frame:
    """A section on the nesting stack while walking the document."""

    level: int  # as written
    out: _Out | None  # where its text went; None when the heading was dropped
    in_mapped: bool  # inside a template section
    merged: bool  # folded into an earlier section of the same kind
    position: int  # len(out) after it was placed


def _sections(sections: tuple[Section, ...], found: list[ImportFinding]) -> list[_Out]:
    out: list[_Out] = []
    by_kind: dict[SectionKind, _Out] = {}
    stack: list[_Frame] = []
    for index, section in enumerate(sections):
        while stack and stack[-1].level >= section.level:
            stack.pop()
        parent = stack[-1] if stack else None
        in_mapped = parent is not None and parent.in_mapped
        if parent is not None and parent.merged and parent.out is not None:
            # inside a section folded into an earlier one: fold this one too
            parent.out.blocks.extend(_labelled(section))
            stack.append(_Frame(section.level, parent.out, True, True, len(out)))
            continue
        alias = section_spec(section.heading)
        kind = alias.kind if alias else (None if in_mapped else kind_by_meaning(section.heading))
        following = sections[index + 1] if index + 1 < len(sections) else None
        is_container = (
            not section.blocks
            and following is not None
            and following.level > section.level
            and (section_spec(following.heading) or kind_by_meaning(following.heading)) is not None
        )
        if kind is not None and is_container:
            found.append(
                _info(
                    f.CONTAINER_DROPPED,
                    f"heading {section.heading!r} only groups the sections below it; dropped",
                    section.span,
                )
            )
            stack.append(_Frame(section.level, None, False, False, len(out)))
            continue
        if kind is None:
            level = 2
            # Nest under the parent only when nothing of the template came in between, or
            # the text would be read as part of that template section.
            if (parent is not None and parent.out is not None and parent.position == len(out)) or (
                parent is not None
                and parent.out is not None
                and not any(o.kind is not None for o in out[parent.position :])
            ):
                level = min(6, parent.out.level + section.level - parent.level)
            target = _Out(section.heading, level, list(section.blocks), section.span, None)
            out.append(target)
            stack.append(_Frame(section.level, target, in_mapped and level > 2, False, len(out)))
            continue
        blocks = list(section.blocks)
        if normalise_label(section.heading).startswith("contributing factor"):
            blocks.insert(0, Paragraph("**Contributing factors:**", section.span))
        if kind in by_kind:
            first = by_kind[kind]
            found.append(
                _info(
                    f.SECTION_MERGED,
                    f"a second {TITLES[kind]!r} section "
                    f"({section.heading!r}) folded into the first",
                    section.span,
                )
            )
            first.blocks.extend([Paragraph(f"**{section.heading}**", section.span), *blocks])
            stack.append(_Frame(section.level, first, True, True, len(out)))
            continue
        title = TITLES[kind]
        if normalise_label(section.heading) != normalise_label(title):
            found.append(
                _info(
                    f.SECTION_MAPPED, f"heading {section.heading!r} read as {title!r}", section.span
                )
            )
            if not _exact(section.heading, kind):  # the wording says more: keep it
                blocks.insert(0, Paragraph(f"**{section.heading}**", section.span))
        target = _Out(title, 2, blocks, section.span, kind)
        by_kind[kind] = target
        out.append(target)
        stack.append(_Frame(section.level, target, True, False, len(out)))
    return out


def _exact(heading: str, kind: SectionKind) -> bool:
    spec = next(s for s in SECTIONS if s.kind is kind)
    return normalise_label(heading) in {normalise_label(t) for t in (spec.title, *spec.aliases)}


def _labelled(section: Section) -> list[Block]:
    return [Paragraph(f"**{section.heading}**", section.span), *section.blocks]
