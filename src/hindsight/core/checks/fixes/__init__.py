"""Safe fixes: `hindsight lint --fix` rewrites only what cannot change the meaning.

Header labels and canonical values, header field order, the action table's column labels and
Type values' case, 24-hour timestamps, and missing section headings (inserted empty). Prose is never
touched: every edit replaces whole header, table or timestamp lines, or inserts headings.
A rule whose findings a fix resolves says so with `fixable = True`; `FIXED_CODES` is the list
of those codes the fixers emit, and a test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from hindsight.core.checks.fixes import actions, header, sections, timestamps
from hindsight.core.checks.fixes.edits import Edit, apply_edits
from hindsight.core.checks.options import LintOptions
from hindsight.core.checks.registry import get_rule
from hindsight.core.document.model import Document
from hindsight.core.document.parse import parse

# The rule codes the fixers resolve; "FMT" marks a normalisation no rule reports.
FIXED_CODES = ("ST003", "ST005")
COSMETIC = "FMT"
_PASSES = 4  # each pass re-parses; a fix never enables another more than a couple of times


@dataclass(frozen=True)
class FixResult:
    text: str
    edits: tuple[Edit, ...]

    @property
    def changed(self) -> bool:
        return bool(self.edits)


def _required_sections(options: LintOptions) -> Sequence[str]:
    rule = get_rule("ST003")
    if rule is None or rule not in options.rules:
        return ()
    return options.options_of(rule).strings("sections")


def _edits(document: Document, lines: Sequence[str], options: LintOptions) -> Iterator[Edit]:
    selected = {rule.code for rule in options.rules}
    yield from header.spelling(document, lines)
    if "ST005" in selected:
        yield from header.order(document, lines)
    yield from actions.tables(document, lines)
    yield from timestamps.timeline(document, lines)
    yield from sections.missing(document, lines, _required_sections(options))


def fix(
    text: str, options: LintOptions | None = None, codes: Collection[str] | None = None
) -> FixResult:
    """`text` with the safe fixes applied (only those for `codes`, when given)."""
    options = options or LintOptions()
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    current = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    applied: list[Edit] = []
    for _ in range(_PASSES):
        lines = current.split("\n")
        edits = [
            edit
            for edit in _edits(parse(current), lines, options)
            if codes is None or edit.code in codes
        ]
        if not edits:
            break
        new_lines, taken = apply_edits(lines, edits)
        applied.extend(taken)
        current = "\n".join(new_lines)
    if not applied:
        return FixResult(text, ())
    return FixResult(bom + current.replace("\n", newline), tuple(applied))


__all__ = ["COSMETIC", "FIXED_CODES", "Edit", "FixResult", "fix"]
