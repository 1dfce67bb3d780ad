"""Promote an event into the postmortem's Timeline section, or demote it out again.

An event's line is the one the timeline renderer writes (`14:12 — Deploy … (github)`), so a
promoted event reads exactly like a drafted one; it is recognised again by its text and
source, whatever clock format the line starts with and whether or not it is labelled as a
milestone's row ("Detected: …"). Entries stay in time order.
"""

from __future__ import annotations

import re
from dataclasses import replace

from hindsight.core.document import (
    Block,
    BulletList,
    Document,
    ListItem,
    Section,
    SectionKind,
    parse,
    render,
)
from hindsight.core.events import UTC, Event
from hindsight.core.figures.words import without_label
from hindsight.core.timeline import Entry
from hindsight.core.timeline.render import entry_line

_CLOCK = re.compile(r"^(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2}:\d{2})")


def line_of(event: Event) -> str:
    return entry_line(Entry(event), UTC)


def _suffix(event: Event) -> str:
    """The line after its clock: what `entry_line` writes for a single event."""
    return f"{' '.join(event.text.split())} ({event.source})"


def _after_clock(text: str) -> str | None:
    """What follows the clock, a milestone's label ("Detected: ") left out."""
    return without_label(text.split(" — ", 1)[1]) if " — " in text else None


def _is_line_of(item: ListItem, event: Event) -> bool:
    return _after_clock(item.text) == _suffix(event)


def _timeline(document: Document) -> tuple[int, Section] | None:
    for index, section in enumerate(document.sections):
        if section.kind is SectionKind.TIMELINE:
            return index, section
    return None


def promoted(markdown: str, events: tuple[Event, ...]) -> frozenset[str]:
    """Keys of the `events` whose line is in the postmortem's Timeline section."""
    found = _timeline(parse(markdown))
    if found is None:
        return frozenset()
    items = [i for b in found[1].blocks if isinstance(b, BulletList) for i in b.items]
    suffixes = {_after_clock(i.text) for i in items}
    return frozenset(e.key for e in events if _suffix(e) in suffixes)


def _clock_of(item: ListItem) -> str | None:
    match = _CLOCK.match(item.text)
    return match.group(1).zfill(5) if match else None


def promote(markdown: str, event: Event) -> str:
    document = parse(markdown)
    new = ListItem(line_of(event))
    found = _timeline(document)
    if found is None:
        section = Section("Timeline", blocks=(BulletList((new,)),))
        return render(replace(document, sections=(*document.sections, section)))
    index, section = found
    lists = [i for i, b in enumerate(section.blocks) if isinstance(b, BulletList)]
    if not lists:
        blocks = (*section.blocks, BulletList((new,)))
    else:
        where = lists[0]
        bullets = section.blocks[where]
        assert isinstance(bullets, BulletList)
        if any(_is_line_of(i, event) for i in bullets.items):
            return markdown
        clock = f"{event.at.astimezone(UTC):%H:%M}"
        items = list(bullets.items)
        position = next(
            (n for n, i in enumerate(items) if (_clock_of(i) or "") > clock), len(items)
        )
        items.insert(position, new)
        blocks = (
            *section.blocks[:where],
            replace(bullets, items=tuple(items)),
            *section.blocks[where + 1 :],
        )
    return _with_section(document, index, replace(section, blocks=blocks))


def demote(markdown: str, event: Event) -> str:
    document = parse(markdown)
    found = _timeline(document)
    if found is None:
        return markdown
    index, section = found
    blocks: list[Block] = []
    changed = False
    for block in section.blocks:
        if isinstance(block, BulletList):
            kept = tuple(i for i in block.items if not _is_line_of(i, event))
            changed = changed or len(kept) != len(block.items)
            if kept:
                blocks.append(replace(block, items=kept))
            continue
        blocks.append(block)
    if not changed:
        return markdown
    return _with_section(document, index, replace(section, blocks=tuple(blocks)))


def _with_section(document: Document, index: int, section: Section) -> str:
    sections = (*document.sections[:index], section, *document.sections[index + 1 :])
    return render(replace(document, sections=sections))
