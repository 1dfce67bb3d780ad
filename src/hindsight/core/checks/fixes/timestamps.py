"""Timeline timestamps in the template's 24-hour form, where the text leaves no doubt.

`2:32 PM` → `14:32`, `9:05` → `09:05`, `2026/03/14` → `2026-03-14`. Only the timestamp at the
start of a bullet entry is rewritten, and only when it reads as an exact, valid time; the
entry's words are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from hindsight.core.checks.fixes.edits import Edit
from hindsight.core.document.model import BulletList, Document
from hindsight.core.document.readers import parse_timeline_line
from hindsight.core.document.template import SectionKind

_CLOCK = re.compile(
    r"(?P<h>\d{1,2}):(?P<m>\d{2})(?P<rest>(?::\d{2}(?:\.\d+)?)?)(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
)
_SLASHED = re.compile(r"\b(\d{4})/(\d{2})/(\d{2})\b")
_LEAD = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?")


def canonical_time(written: str, clock: tuple[int, int, int]) -> str | None:
    """`written` with its clock as HH:MM (seconds and zone kept), or None if unsure."""
    match = _CLOCK.match(written)
    if match is None:
        return None
    hour, minute = clock[0], clock[1]
    out = f"{hour:02d}:{minute:02d}{match.group('rest')}"
    return out + written[match.end() :]


def timeline(document: Document, lines: Sequence[str]) -> Iterator[Edit]:
    for block in document.section_blocks(SectionKind.TIMELINE):
        if not isinstance(block, BulletList):
            continue
        for item in block.items:
            if item.span is None:
                continue
            edit = _fixed_line(lines[item.span.start - 1], item.text, item.span.start)
            if edit is not None:
                yield edit


def _fixed_line(line: str, text: str, number: int) -> Edit | None:
    entry = parse_timeline_line(text.split("\n", 1)[0])
    lead = _LEAD.match(line)
    if lead is None or entry.time is None or entry.clock is None:
        return None
    head, body = line[: lead.end()], line[lead.end() :]
    at = body.find(entry.time)
    if at < 0 or at > 30:  # the time must be the entry's first thing, not in its words
        return None
    new_time = canonical_time(entry.time, entry.clock)
    if new_time is None:
        return None
    before = body[:at]
    if entry.date and "/" in before:
        before = _SLASHED.sub(r"\1-\2-\3", before, count=1)
    fixed = head + before + new_time + body[at + len(entry.time) :]
    if fixed == line:
        return None
    return Edit(number, number, (fixed,), "FMT", "24-hour timestamp")
