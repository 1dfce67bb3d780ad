"""Header facts — dates, severity, services, duration — from wherever a postmortem puts them.

Sources, most trusted first: header fields (template names or the labels in
`meaning.FIELD_ALIASES`), `Label: value` lines anywhere outside the timeline (a "Stats" list,
a bold line under a heading), YAML/TOML front matter, the title, and prose ("On 28th February
…", "down for 66 minutes"). Each fact keeps the line it came from.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from typing import Any

import yaml

from hindsight.core.document.model import BulletList, Document, FrontMatter, Paragraph, Table
from hindsight.core.document.readers import split_label
from hindsight.core.document.template import (
    SectionKind,
    contains_placeholder,
    is_placeholder,
    normalise_label,
)
from hindsight.core.importing import findings as f
from hindsight.core.importing.dates import find_date, parse_duration, prose_duration
from hindsight.core.importing.findings import ImportFinding
from hindsight.core.importing.meaning import field_by_meaning


@dataclass(frozen=True)
class Fact:
    value: str
    line: int | None
    source: str  # "header", "field", "front matter", "title", "prose", "name"


@dataclass(frozen=True)
class Facts:
    title: str | None = None
    date: dt.date | None = None
    date_from: Fact | None = None
    published: dt.date | None = None
    severity: str | None = None
    severity_from: Fact | None = None
    services: tuple[str, ...] = ()
    services_from: Fact | None = None
    contributing_services: tuple[str, ...] = ()
    duration_minutes: float | None = None
    duration_from: Fact | None = None
    detection_minutes: float | None = None
    status: str | None = None
    reported_by: str | None = None


_SEVERITY = re.compile(r"\b(?:sev(?:erity)?|p|priority)\s*[-:]?\s*(?P<n>[0-4])\b", re.IGNORECASE)
_SEVERITY_WORDS = {
    "critical": "SEV-1", "major": "SEV-1", "high": "SEV-2", "medium": "SEV-2",
    "moderate": "SEV-2", "low": "SEV-3", "minor": "SEV-3",
}  # fmt: skip


def severity_of(text: str) -> str | None:
    """SEV-1..SEV-3 from "SEV-2", "Sev 1", "P1", "critical"; SEV-0 and P0 read as SEV-1."""
    match = _SEVERITY.search(text)
    if match:
        return f"SEV-{max(1, min(3, int(match.group('n'))))}"
    words = normalise_label(text).split()
    for word in words[:3]:
        if word in _SEVERITY_WORDS:
            return _SEVERITY_WORDS[word]
    return None


def split_services(text: str) -> tuple[str, ...]:
    parts = re.split(r"\s*(?:,|;|\band\b|/|\|)\s*", text.strip().strip("`*_"))
    cleaned = (p.strip(" .`*_[]") for p in parts)
    return tuple(dict.fromkeys(p for p in cleaned if p and len(p) <= 60))


def front_matter(document: Document) -> tuple[dict[str, Any], ImportFinding | None]:
    for item in document.front:
        if isinstance(item, FrontMatter):
            body = "\n".join(item.text.split("\n")[1:-1])
            line = item.span.start if item.span else 1
            try:
                data = yaml.safe_load(body) if item.syntax == "yaml" else tomllib.loads(body)
            except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
                problem = str(error).split("\n")[0]
                return {}, ImportFinding(f.BAD_FRONT_MATTER, f"front matter: {problem}", line)
            return (data if isinstance(data, dict) else {}), None
    return {}, None


def labelled_lines(document: Document) -> list[tuple[str, str, int | None, str]]:
    """(label, value, line, source) for header fields and `Label: value` lines outside the
    timeline and the root cause (where a colon means something else)."""
    out: list[tuple[str, str, int | None, str]] = []
    for field in document.header:
        out.append((field.key or field.label, field.value, _start(field.span), "header"))
    skip = {SectionKind.TIMELINE, SectionKind.ROOT_CAUSE, SectionKind.FIVE_WHYS}
    for section in document.sections:
        if section.kind in skip:
            continue
        for block in section.blocks:
            if isinstance(block, Paragraph):
                for offset, line in enumerate(block.text.split("\n")):
                    number = block.span.start + offset if block.span else None
                    _add_pair(out, line, number)
            elif isinstance(block, BulletList):
                for item in block.items:
                    if "\n" not in item.text:
                        _add_pair(out, item.text, _start(item.span))
            elif isinstance(block, Table) and len(block.header) == 2:
                for index, row in enumerate(block.rows):
                    if len(row) == 2:
                        span = block.row_span(index)
                        out.append((row[0].strip("*_ :"), row[1], _start(span), "field"))
    return out


def _add_pair(out: list[tuple[str, str, int | None, str]], line: str, number: int | None) -> None:
    if ":" not in line[:50]:
        return
    pair = split_label(line)
    if pair and pair[1] and len(pair[0]) <= 40 and "://" not in line[: line.find(":") + 3]:
        out.append((pair[0].strip("*_ "), pair[1].strip("*_ "), number, "field"))


def _start(span: Any) -> int | None:
    return span.start if span is not None else None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        found = find_date(value)
        return found.value if found else None
    return None


def read_facts(
    document: Document, *, name: str | None = None
) -> tuple[Facts, tuple[ImportFinding, ...]]:
    matter, problem = front_matter(document)
    found: list[ImportFinding] = [problem] if problem else []
    values: dict[str, Fact] = {}
    contributing: tuple[str, ...] = ()
    for label, value, line, source in labelled_lines(document):
        if is_placeholder(value) or contains_placeholder(value):
            continue  # the template's "SEV-1 / SEV-2 / SEV-3" is nobody's answer: never data
        key = field_by_meaning(label) or label
        normal = normalise_label(label)
        if normal.startswith("contributing service") or normal == "caused by":
            contributing = split_services(value)
        elif normal in {"time to detection", "time to detect", "detection time"}:
            values.setdefault("detection", Fact(value, line, source))
        elif normal in {"last modified", "published", "last updated"}:
            values.setdefault("published", Fact(value, line, source))
        else:
            values.setdefault(key, Fact(value, line, source))
    title = document.title.text if document.title else None
    if title is None and isinstance(matter.get("title"), str):
        title = matter["title"]
    if title is None and document.sections and document.sections[0].kind is None:
        title = document.sections[0].heading
    for key, fact_key in (("severity", "Severity"), ("services", "Services affected")):
        if key in matter and fact_key not in values:
            raw = matter[key]
            text = ", ".join(map(str, raw)) if isinstance(raw, list) else str(raw)
            values[fact_key] = Fact(text, 1, "front matter")
    date, date_from = _incident_date(document, values, matter, title, name)
    published = _as_date(matter.get("date")) or (
        _as_date(values["published"].value) if "published" in values else None
    )
    severity_fact = values.get("Severity")
    services_fact = values.get("Services affected")
    duration_fact = values.get("Duration")
    duration = parse_duration(duration_fact.value) if duration_fact else None
    if duration is None:
        duration_fact, duration = _prose_duration(document)
    detection = values.get("detection")
    status = values.get("Status")
    reporter = values.get("Reported by")
    return Facts(
        title=title,
        date=date,
        date_from=date_from,
        published=published,
        severity=severity_of(severity_fact.value) if severity_fact else None,
        severity_from=severity_fact,
        services=split_services(services_fact.value) if services_fact else (),
        services_from=services_fact,
        contributing_services=contributing,
        duration_minutes=duration,
        duration_from=duration_fact,
        detection_minutes=parse_duration(detection.value) if detection else None,
        status=status.value if status else None,
        reported_by=reporter.value if reporter else None,
    ), tuple(found)


def _incident_date(
    document: Document,
    values: dict[str, Fact],
    matter: dict[str, Any],
    title: str | None,
    name: str | None,
) -> tuple[dt.date | None, Fact | None]:
    fact = values.get("Date of incident")
    if fact is not None and (found := find_date(fact.value)) and found.value:
        return found.value, fact
    year = None
    for text, source in ((title, "title"), (str(matter.get("title", "")), "front matter")):
        if text and (found := find_date(text)) is not None:
            if found.value is not None and found.has_year:
                return found.value, Fact(text, _title_line(document, source), source)
            year = year or None
    hint = _as_date(matter.get("date"))
    year = hint.year if hint else year
    if name and (named := re.search(r"(\d{4})-(\d{2})-(\d{2})", name)):
        year = year or int(named.group(1))
    for block, line in _prose(document):
        for match in re.finditer(r"\b[Oo]n\s+(?:\w+day,?\s+)?(?:the\s+)?", block):
            found = find_date(block, year, start=match.end())
            if found is not None and found.start == match.end() and found.value is not None:
                return found.value, Fact(block[match.start() : found.end], line, "prose")
    for block, line in _prose(document):
        found = find_date(block)
        if found is not None and not found.has_year:  # "November 11 and November 15, 2025"
            later = find_date(block, start=found.end)
            if later is not None and later.value is not None and later.has_year:
                found = find_date(block, later.value.year)
        if found is not None and found.value is not None:
            return found.value, Fact(block[found.start : found.end], line, "prose")
    if hint is not None:
        return hint, Fact(str(matter.get("date")), 1, "front matter")
    if name and (named := re.search(r"(\d{4})-(\d{2})-(\d{2})", name)):
        found = find_date(named.group(0))
        if found is not None and found.value is not None:
            return found.value, Fact(name, None, "name")
    return None, None


def _title_line(document: Document, source: str) -> int | None:
    if source == "title" and document.title and document.title.span:
        return document.title.span.start
    return 1


def _prose(document: Document) -> list[tuple[str, int | None]]:
    """Paragraphs of the front and the summary, where "On <date>" and "for N hours" live."""
    blocks = [b for b in document.front if isinstance(b, Paragraph)]
    blocks.extend(
        b for b in document.section_blocks(SectionKind.SUMMARY) if isinstance(b, Paragraph)
    )
    return [(b.text, b.span.start if b.span else None) for b in blocks]


def _prose_duration(document: Document) -> tuple[Fact | None, float | None]:
    for text, line in _prose(document):
        found = prose_duration(text)
        if found is not None:
            return Fact(text[found[1] : found[1] + 40], line, "prose"), found[0]
    return None, None
