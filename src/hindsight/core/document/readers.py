"""Typed readings of a document's sections: timeline entries, impact fields, root cause and
factors, five whys, action items.

The model keeps blocks verbatim; these functions read meaning out of them for the checks, the
importer, drafting and analysis. They never fail: what they cannot read they leave out, and a
check reports it where it matters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hindsight.core.document.model import (
    BulletList,
    Document,
    Paragraph,
    Span,
    Table,
)
from hindsight.core.document.template import (
    ImpactSpec,
    SectionKind,
    impact_spec,
    normalise_label,
)
from hindsight.core.document.zones import abbreviations

# ---------------------------------------------------------------------------------------------
# Timeline

# Zone abbreviations a timeline row may carry after its time ("14:05 CI runs" has none): the
# one zone table (`zones`), the importer's too.
_ZONES = "|".join(name for name in abbreviations() if len(name) > 1)
_TIME = re.compile(
    r"""^\s*(?:\*\*|__)?\s*[\[`]?\s*  # "[13:20] …" and "`13:20` …" are common shapes too
    (?:(?P<date>\d{4}-\d{2}-\d{2}|\d{4}/\d{2}/\d{2})(?:[T\s,]+|$))?
    (?P<time>(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?P<frac>\.\d+)?)?
        (?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?
        (?:\s*(?P<zone>Z\b|UTC\b|GMT\b|[+-]\d{2}:?\d{2}\b|(?:ZONES)\b))?)?
    \s*[\]`]?\s*(?:\*\*|__)?\s*(?:[—–\-:|]+\s*)?""".replace("ZONES", _ZONES),
    re.VERBOSE,
)
_SOURCE = re.compile(r"\s*\((?:source:\s*)?(?P<source>[^()]{1,40})\)\s*\.?\s*$", re.IGNORECASE)
_ZONE_LINE = re.compile(
    r"^\s*(?:\*\*|_)?all\s+times\s+(?:are\s+)?(?:(?:in|shown\s+in|given\s+in)\s+)?"
    r"(?P<zone>[^.\n]+?)(?:\*\*|_)?\s*(?:\.|$)",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class TimelineEntry:
    """One row of the Timeline section.

    `time` is the timestamp as written (None when the row has none); `clock` is the exact
    24-hour (hour, minute, second) when `time` parses as one; `date` the ISO date when dated.
    """

    text: str
    time: str | None = None
    date: str | None = None
    clock: tuple[int, int, int] | None = None
    zone: str | None = None
    source: str | None = None
    raw: str = ""
    span: Span | None = field(default=None, compare=False)

    @property
    def minutes(self) -> int | None:
        """Minutes since midnight, for ordering checks."""
        return self.clock[0] * 60 + self.clock[1] if self.clock else None


@dataclass(frozen=True)
class Timeline:
    timezone: str | None
    entries: tuple[TimelineEntry, ...]
    timezone_span: Span | None = field(default=None, compare=False)


def parse_timeline_line(text: str, span: Span | None = None) -> TimelineEntry:
    """Split `2026-03-14 14:36 — HighErrorRate fires (alert)` into its parts."""
    raw = text
    first = text.split("\n", 1)[0]
    match = _TIME.match(first)
    date = time = zone = None
    clock: tuple[int, int, int] | None = None
    rest = text
    if match and (match.group("time") or match.group("date")):
        date = match.group("date").replace("/", "-") if match.group("date") else None
        if match.group("time"):
            time = match.group("time").strip()
            zone = match.group("zone")
            hour, minute = int(match.group("h")), int(match.group("m"))
            second = int(match.group("s") or 0)
            ampm = (match.group("ampm") or "").lower().replace(".", "")
            valid = minute < 60 and second < 60
            if ampm:
                valid = valid and 1 <= hour <= 12
                hour = hour % 12 + (12 if ampm == "pm" else 0)
            valid = valid and hour < 24
            clock = (hour, minute, second) if valid else None
        rest = text[match.end() :]
    source = None
    found = _SOURCE.search(rest)
    if found:
        source = found.group("source").strip()
        rest = rest[: found.start()]
    return TimelineEntry(rest.strip(), time, date, clock, zone, source, raw, span)


def timezone_of(text: str) -> str | None:
    match = _ZONE_LINE.search(text)
    return match.group("zone").strip() if match else None


def read_timeline(document: Document) -> Timeline:
    zone: str | None = None
    zone_span: Span | None = None
    entries: list[TimelineEntry] = []
    for block in document.section_blocks(SectionKind.TIMELINE):
        if isinstance(block, Paragraph):
            found = timezone_of(block.text)
            if found and zone is None:
                zone, zone_span = found, block.span
                continue
            for offset, line in enumerate(block.text.split("\n")):
                entry = parse_timeline_line(line, _line_span(block.span, offset))
                if entry.time or entry.date:
                    entries.append(entry)
        elif isinstance(block, BulletList):
            entries.extend(parse_timeline_line(item.text, item.span) for item in block.items)
        elif isinstance(block, Table):
            entries.extend(_table_entries(block))
    return Timeline(zone, tuple(entries), zone_span)


def _line_span(span: Span | None, offset: int) -> Span | None:
    return Span(span.start + offset, span.start + offset) if span else None


def _table_entries(table: Table) -> list[TimelineEntry]:
    labels = [normalise_label(h) for h in table.header]
    time_col = next(
        (i for i, h in enumerate(labels) if h in {"time", "timestamp", "when", "time (utc)"}), 0
    )
    date_col = next((i for i, h in enumerate(labels) if h == "date"), None)
    source_col = next((i for i, h in enumerate(labels) if h in {"source", "from"}), None)
    out: list[TimelineEntry] = []
    for index, row in enumerate(table.rows):
        cells = list(row)
        stamp = cells[time_col] if time_col < len(cells) else ""
        if date_col is not None and date_col < len(cells):
            stamp = f"{cells[date_col]} {stamp}"
        others = [c for i, c in enumerate(cells) if i not in {time_col, date_col, source_col} and c]
        line = f"{stamp} — {' — '.join(others)}"
        entry = parse_timeline_line(line, table.row_span(index))
        source = cells[source_col] if source_col is not None and source_col < len(cells) else None
        out.append(
            TimelineEntry(
                entry.text,
                entry.time,
                entry.date,
                entry.clock,
                entry.zone,
                source or entry.source,
                " | ".join(cells),
                entry.span,
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Impact

_LABELLED = re.compile(
    r"^\s*(?:\*\*|__)(?P<a>[^*_\n]{1,80}?)\s*:?\s*(?:\*\*|__)\s*:?\s*(?P<av>.*)$"
    r"|^\s*(?P<b>[A-Za-z][^:\n]{0,60}?)\s*:\s*(?P<bv>.*)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class ImpactField:
    label: str
    value: str
    span: Span | None = field(default=None, compare=False)

    @property
    def spec(self) -> ImpactSpec | None:
        return impact_spec(self.label)


def split_label(text: str) -> tuple[str, str] | None:
    """`**Users affected:** 12,300` → ("Users affected", "12,300")."""
    match = _LABELLED.match(text)
    if not match:
        return None
    if match.group("a") is not None:
        return match.group("a").strip(), match.group("av").strip()
    return match.group("b").strip(), match.group("bv").strip()


def read_impact(document: Document) -> tuple[ImpactField, ...]:
    out: list[ImpactField] = []
    for block in document.section_blocks(SectionKind.IMPACT):
        if isinstance(block, BulletList):
            for item in block.items:
                pair = split_label(item.text)
                if pair:
                    out.append(ImpactField(pair[0], pair[1], item.span))
        elif isinstance(block, Table):
            for index, row in enumerate(block.rows):
                if len(row) >= 2:
                    out.append(ImpactField(row[0].strip("*_ :"), row[1], block.row_span(index)))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Root cause and contributing factors


@dataclass(frozen=True)
class Factor:
    text: str
    span: Span | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RootCause:
    statement: str | None
    factors: tuple[Factor, ...]
    span: Span | None = field(default=None, compare=False)


_RC_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?root\s+causes?(?:\(s\))?\s*:?\s*(?:\*\*|__)?\s*:?\s*", re.IGNORECASE
)
_CF_LABEL = re.compile(
    r"(?:\*\*|__)?contributing\s+factors?\s*:?\s*(?:\*\*|__)?\s*:?\s*", re.IGNORECASE
)
_INLINE_FACTOR = re.compile(r"\(\d+\)\s*")


def read_root_cause(document: Document) -> RootCause:
    section = document.section(SectionKind.ROOT_CAUSE)
    blocks = document.section_blocks(SectionKind.ROOT_CAUSE)
    only_factors = section is not None and normalise_label(section.heading).startswith(
        "contributing factor"
    )
    statement: list[str] = []
    statement_span: Span | None = None
    factors: list[Factor] = []
    in_factors = only_factors
    for block in blocks:
        if isinstance(block, Paragraph):
            text = block.text
            cf = _CF_LABEL.search(text)
            if cf:
                head, tail = text[: cf.start()], text[cf.end() :]
                if head.strip():
                    statement.append(_RC_LABEL.sub("", head).strip())
                    statement_span = statement_span or block.span
                parts = [p.strip(" ;.") for p in _INLINE_FACTOR.split(tail) if p.strip(" ;.")]
                factors.extend(Factor(p, block.span) for p in parts)
                in_factors = True
            elif in_factors:
                factors.append(Factor(text, block.span))
            else:
                statement.append(_RC_LABEL.sub("", text).strip())
                statement_span = statement_span or block.span
        elif isinstance(block, BulletList):
            if in_factors or statement:
                factors.extend(Factor(item.text, item.span) for item in block.items)
            else:
                first, *rest = block.items
                statement.append(_RC_LABEL.sub("", first.text).strip())
                statement_span = first.span
                factors.extend(Factor(item.text, item.span) for item in rest)
    joined = "\n\n".join(s for s in statement if s) or None
    return RootCause(joined, tuple(factors), statement_span)


# ---------------------------------------------------------------------------------------------
# Five whys


@dataclass(frozen=True)
class WhyStep:
    question: str
    answer: str
    span: Span | None = field(default=None, compare=False)


_QA = re.compile(
    r"^\s*(?:\*\*|__)?\s*Q\s*[:.]\s*(?P<q>.+?)\s*(?:\*\*|__)?\s*A\s*[:.]\s*(?P<a>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def split_why(text: str) -> tuple[str, str]:
    qa = _QA.match(text)
    if qa:
        return qa.group("q").strip(), qa.group("a").strip()
    if "?" in text:
        question, answer = text.split("?", 1)
        return (question + "?").strip().strip("*_ "), answer.strip().strip("*_ ").strip()
    return "", text.strip()


def read_five_whys(document: Document) -> tuple[WhyStep, ...]:
    steps: list[WhyStep] = []
    for block in document.section_blocks(SectionKind.FIVE_WHYS):
        if isinstance(block, BulletList):
            for item in block.items:
                question, answer = split_why(item.text)
                steps.append(WhyStep(question, answer, item.span))
        elif isinstance(block, Paragraph):
            for offset, line in enumerate(block.text.split("\n")):
                if re.match(r"^\s*(?:\*\*|__)?\s*(?:\d+[.)]\s*)?why\b", line, re.IGNORECASE):
                    question, answer = split_why(line)
                    steps.append(WhyStep(question, answer, _line_span(block.span, offset)))
        elif isinstance(block, Table):
            for index, row in enumerate(block.rows):
                if len(row) >= 2:
                    steps.append(WhyStep(row[-2], row[-1], block.row_span(index)))
    return tuple(steps)


# ---------------------------------------------------------------------------------------------
# Plain lists (what went well / poorly, references)


@dataclass(frozen=True)
class Item:
    text: str
    span: Span | None = field(default=None, compare=False)


def read_items(document: Document, kind: SectionKind) -> tuple[Item, ...]:
    out: list[Item] = []
    for block in document.section_blocks(kind):
        if isinstance(block, BulletList):
            out.extend(Item(i.text, i.span) for i in block.items)
        elif isinstance(block, Paragraph):
            out.append(Item(block.text, block.span))
        elif isinstance(block, Table):
            out.extend(
                Item(" | ".join(row), block.row_span(index)) for index, row in enumerate(block.rows)
            )
    return tuple(out)
