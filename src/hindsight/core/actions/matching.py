"""Which saved record each row of a newly saved action items table is.

A row keeps its record (its id, status and tracker link) across edits, matched in this order:
1. the same tracking reference (a link survives any rewording and reordering);
2. the same action text (case and spacing aside), for rows without a link;
3. a rewording in the same place: same position, mostly the same words.
A row that matches nothing is a new item; a record no row matches was removed from the table.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.actions.tracking import parse_tracking

REWORDING_SIMILARITY = 0.6


@dataclass(frozen=True)
class Known:
    """A saved record as matching sees it."""

    id: int
    position: int
    action: str
    tracking: str | None = None
    tracker_url: str | None = None
    tracker_key: str | None = None


@dataclass(frozen=True)
class Row:
    """A row of the table being saved (`position` counts from 1)."""

    position: int
    action: str
    tracking: str | None = None


def text_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _identities(tracking: str | None, *more: str | None) -> set[str]:
    found = {m for m in more if m}
    ref = parse_tracking(tracking)
    if ref is not None:
        found |= {v for v in (ref.url, ref.key) if v}
    return found


def match_rows(known: Sequence[Known], rows: Sequence[Row]) -> list[int | None]:
    """For each row, the id of the record it is (None: a new item); each record used once."""
    result: list[int | None] = [None] * len(rows)
    free = {k.id: k for k in known}

    def take(index: int, record: Known) -> None:
        result[index] = record.id
        del free[record.id]

    for index, row in enumerate(rows):
        mine = _identities(row.tracking)
        if not mine:
            continue
        for record in list(free.values()):
            if mine & _identities(record.tracking, record.tracker_url, record.tracker_key):
                take(index, record)
                break
    for index, row in enumerate(rows):
        if result[index] is None:
            key = text_key(row.action)
            same = [r for r in free.values() if text_key(r.action) == key]
            if same:
                take(index, min(same, key=lambda r: abs(r.position - row.position)))
    for index, row in enumerate(rows):
        if result[index] is None:
            for record in list(free.values()):
                ratio = difflib.SequenceMatcher(
                    None, text_key(row.action), text_key(record.action)
                ).ratio()
                if record.position == row.position and ratio >= REWORDING_SIMILARITY:
                    take(index, record)
                    break
    return result
