"""Line edits: what a fix proposes, applied to the source lines without touching the others."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """Replace source lines `start`..`end` (1-based, inclusive) with `lines`.

    `end == start - 1` inserts before `start` without replacing anything.
    """

    start: int
    end: int
    lines: tuple[str, ...]
    code: str  # the rule whose finding this resolves, or "FMT" for a cosmetic normalisation
    note: str


def apply_edits(lines: Sequence[str], edits: Sequence[Edit]) -> tuple[list[str], list[Edit]]:
    """The lines with the edits applied, and the edits taken: of overlapping edits, the first
    given (the next pass, on the new text, proposes the other again if it is still needed)."""
    taken: list[Edit] = []
    for edit in edits:
        if not any(_overlap(edit, other) for other in taken):
            taken.append(edit)
    out = list(lines)
    for edit in sorted(taken, key=lambda e: (e.start, e.end), reverse=True):
        out[edit.start - 1 : edit.end] = edit.lines
    return out, taken


def _overlap(a: Edit, b: Edit) -> bool:
    if a.end < a.start or b.end < b.start:  # an insertion conflicts only at the same place
        return a.start == b.start
    return a.start <= b.end and b.start <= a.end
