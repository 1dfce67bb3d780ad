"""Collect the timeline rows of an imported document, with the context that dates them.

Rows come from the timeline section and the subsections nested in it: list items, paragraph
lines and table rows. Date headings ("### 2020-02-20", "**Date: 2023-11-22**", "2019-01-22")
date the rows below them; a zone declaration in the section, its table header, or anywhere in
the document sets the zone for rows that do not carry their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hindsight.core.document.action_items import column_roles
from hindsight.core.document.model import BulletList, Document, Paragraph, Table
from hindsight.core.document.template import SectionKind, normalise_label
from hindsight.core.importing.dates import find_date
from hindsight.core.importing.timestamps import Row, read_stamp
from hindsight.core.importing.zones import declared_zone, says_approximate


@dataclass(frozen=True)
class TimelineSource:
    rows: tuple[Row, ...]
    zone: str | None
    zone_line: int | None
    approximate_line: int | None


def collect(document: Document, year_hint: int | None = None) -> TimelineSource:
    rows: list[Row] = []
    zone: str | None = None
    zone_line: int | None = None
    approximate: int | None = None
    date: dt.date | None = None
    inside: int | None = None  # level of the timeline section while inside it

    def note(text: str, line: int | None) -> bool:
        """Record a zone / approximate declaration; True when the line is one."""
        nonlocal zone, zone_line, approximate
        declared = declared_zone(text)
        if declared and zone is None:
            zone, zone_line = declared, line
        if says_approximate(text) and approximate is None:
            approximate = line
        return declared is not None

    for section in document.sections:
        if inside is None:
            if section.kind is not SectionKind.TIMELINE:
                continue
            inside = section.level
            note(section.heading, section.span.start if section.span else None)
        elif section.level <= inside:
            break
        else:
            heading_date = _date_line(section.heading, year_hint)
            date = heading_date or date
            note(section.heading, section.span.start if section.span else None)
        for block in section.blocks:
            if isinstance(block, Paragraph):
                for offset, line in enumerate(block.text.split("\n")):
                    number = block.span.start + offset if block.span else None
                    stamp = read_stamp(line, year_hint)
                    if stamp is not None and not stamp.date_only:
                        rows.append(Row(line, number, date))
                        continue
                    if stamp is not None and stamp.date_only and stamp.date is not None:
                        date = stamp.date
                        note(line, number)
                        continue
                    declared = note(line, number)
                    short = _date_line(line, year_hint)
                    if short is not None and (declared or len(line) < 60):
                        date = short
            elif isinstance(block, BulletList):
                for item in block.items:
                    rows.append(Row(item.text, item.span.start if item.span else None, date))
            elif isinstance(block, Table):
                rows.extend(_table_rows(block, date))
                note(" ".join(block.header), block.span.start if block.span else None)
    if zone is None:
        zone, zone_line = _document_zone(document)
    return TimelineSource(tuple(rows), zone, zone_line, approximate)


def _date_line(text: str, year_hint: int | None) -> dt.date | None:
    found = find_date(text, year_hint)
    return found.value if found is not None and found.start <= 12 else None


_TIME_HEADERS = {"time", "timestamp", "when", "date", "date and time", "datetime"}


def _table_rows(table: Table, date: dt.date | None) -> list[Row]:
    labels = [normalise_label(h) for h in table.header]
    stamp_cols = [
        i for i, h in enumerate(labels) if h in _TIME_HEADERS or h.startswith(("time", "date"))
    ]
    if not stamp_cols:
        stamp_cols = [0]
    roles = column_roles(table.header)
    out: list[Row] = []
    for index, row in enumerate(table.rows):
        stamp = " ".join(row[i] for i in stamp_cols if i < len(row))
        rest = [c for i, c in enumerate(row) if i not in stamp_cols and c]
        if roles.get("owner") is not None:
            pass  # an action table is not a timeline; kept for the reader all the same
        span = table.row_span(index)
        out.append(Row(f"{stamp} | {' | '.join(rest)}", span.start if span else None, date))
    return out


def _document_zone(document: Document) -> tuple[str | None, int | None]:
    """A declaration outside the timeline: "All times PDT." in the preamble, say."""
    for item in document.front:
        if isinstance(item, Paragraph) and (zone := declared_zone(item.text)):
            return zone, item.span.start if item.span else None
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph) and len(block.text) < 200:
                zone = declared_zone(block.text)
                if zone:
                    return zone, block.span.start if block.span else None
    return None, None
