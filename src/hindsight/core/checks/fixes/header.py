"""Header fields: known labels spelled the template's way, canonical values, template order.

Only lines written `**Label:** value` (or `**Label**: value`) are touched, one field per line;
values are rewritten only when they differ from an allowed value in case, spaces or hyphens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from hindsight.core.checks.fixes.edits import Edit
from hindsight.core.document.model import Document, HeaderField
from hindsight.core.document.template import field_order, field_spec

_BOLD = re.compile(
    r"^\*\*(?P<label>[^*\n]+?)\s*:\s*\*\*(?:\s+(?P<value>.*?))?\s*$"
    r"|^\*\*(?P<label2>[^*\n]+?)\*\*\s*:(?:\s+(?P<value2>.*?))?\s*$"
)
_LOOSE = re.compile(r"[\s\-_]+")


def _written(line: str) -> tuple[str, str] | None:
    match = _BOLD.match(line)
    if match is None:
        return None
    if match.group("label") is not None:
        return match.group("label"), match.group("value") or ""
    return match.group("label2"), match.group("value2") or ""


def canonical_value(key: str, value: str) -> str:
    """The allowed value `value` spells differently ("in-review" → "In review"), else `value`."""
    spec = field_spec(key)
    if spec is None or not spec.allowed or "(" in value:
        return value
    loose = _LOOSE.sub("", value).casefold()
    matches = [a for a in spec.allowed if _LOOSE.sub("", a).casefold() == loose]
    return matches[0] if len(matches) == 1 else value


def _canonical_line(item: HeaderField, line: str) -> str | None:
    """The field's line in canonical spelling, or None when the line is not one we rewrite."""
    written = _written(line)
    spec = item.spec
    if written is None or spec is None or item.span is None or item.span.start != item.span.end:
        return None
    value = canonical_value(spec.key, written[1].strip())
    return f"**{spec.key}:** {value}".rstrip()


def spelling(document: Document, lines: Sequence[str]) -> Iterator[Edit]:
    for item in document.header:
        if item.span is None:
            continue
        line = lines[item.span.start - 1]
        fixed = _canonical_line(item, line)
        if fixed is not None and fixed != line:
            yield Edit(item.span.start, item.span.end, (fixed,), "FMT", "canonical header field")


def order(document: Document, lines: Sequence[str]) -> Iterator[Edit]:
    """Each run of adjacent one-line fields, its known fields sorted into template order."""
    runs: list[list[HeaderField]] = [[]]
    for item in document.header:
        if not _eligible(item, lines):
            runs.append([])
            continue
        last = runs[-1][-1].span if runs[-1] else None
        if last is not None and item.span is not None and last.end + 1 == item.span.start:
            runs[-1].append(item)
        else:
            runs.append([item])
    for run in runs:
        yield from _sorted_run(run, lines)


def _eligible(item: HeaderField, lines: Sequence[str]) -> bool:
    span = item.span
    if span is None or span.start != span.end:
        return False
    return _written(lines[span.start - 1]) is not None


def _sorted_run(run: list[HeaderField], lines: Sequence[str]) -> Iterator[Edit]:
    if len(run) < 2:
        return
    keys = [item.key for item in run]
    known = [k for k in keys if k is not None]
    if len(set(known)) != len(known):
        return  # a repeated field: which one belongs where is a judgement, not a fix
    source = [lines[item.span.start - 1] for item in run if item.span is not None]
    slots = [index for index, key in enumerate(keys) if key is not None]
    ordered = sorted(slots, key=lambda index: field_order(keys[index] or ""))
    result = list(source)
    for slot, index in zip(slots, ordered, strict=True):
        result[slot] = source[index]
    if result != source:
        first, last = run[0].span, run[-1].span
        assert first is not None and last is not None
        yield Edit(first.start, last.end, tuple(result), "ST005", "header fields in template order")
