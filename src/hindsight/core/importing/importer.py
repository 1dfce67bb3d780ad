"""Import one existing postmortem: Markdown in any of the shapes teams use → the template.

    result = import_text(text, name="2019-02-08-prow.md")
    result.document   # the template's shape, every word of the original kept
    result.facts      # date, severity, services, duration … and where each came from
    result.events     # timeline rows placed in time
    result.milestones # cause, detection, acknowledgement, mitigation, resolution
    result.findings   # every ambiguity, with its line

Pure: text in, values out. `name` (a file name, say) is only a last-resort date hint.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hindsight.core.document.model import Document, FrontItem, FrontMatter, HeaderField, Heading
from hindsight.core.document.parse import parse
from hindsight.core.document.render import render
from hindsight.core.figures import Milestones
from hindsight.core.importing import findings as f
from hindsight.core.importing.dates import find_date
from hindsight.core.importing.events import Mark, milestones
from hindsight.core.importing.facts import Fact, Facts, read_facts
from hindsight.core.importing.findings import ImportFinding, Level
from hindsight.core.importing.sections import reshape
from hindsight.core.importing.timeline import collect
from hindsight.core.importing.timestamps import TimedEvent, place


@dataclass(frozen=True)
class ImportResult:
    document: Document
    facts: Facts
    events: tuple[TimedEvent, ...]
    milestones: Milestones[Mark]
    findings: tuple[ImportFinding, ...]
    name: str | None = None

    @property
    def markdown(self) -> str:
        return render(self.document)

    @property
    def sections(self) -> tuple[str, ...]:
        """The template sections recovered, in document order."""
        return tuple(s.kind.value for s in self.document.sections if s.kind is not None)


def import_text(text: str, *, name: str | None = None) -> ImportResult:
    parsed = parse(text)
    found: list[ImportFinding] = []
    if not parsed.sections and not any(isinstance(i, Heading) for i in parsed.front):
        found.append(
            ImportFinding(
                f.NO_HEADINGS,
                "the document has no headings; its prose is kept as the summary",
                1,
                Level.INFO,
            )
        )
    document, reshaped = reshape(parsed)
    found.extend(reshaped)
    if document.sections and not any(s.kind for s in document.sections):
        first = document.sections[0].span
        found.append(
            ImportFinding(
                f.NO_SECTIONS,
                "no heading names a template section; the text is kept under its own headings",
                first.start if first else None,
            )
        )
    facts, problems = read_facts(document, name=name)
    found.extend(problems)
    year = facts.date.year if facts.date else None
    source = collect(document, year)
    events, placed = place(source.rows, zone=source.zone, base_date=facts.date, year_hint=year)
    found.extend(placed)
    if source.approximate_line is not None:
        found.append(
            ImportFinding(
                f.APPROXIMATE,
                "the author marks the times as approximate",
                source.approximate_line,
                Level.INFO,
            )
        )
    if not events:
        found.append(
            ImportFinding(
                f.NO_TIMELINE, "no timeline rows with a time were found", None, Level.WARNING
            )
        )
    facts = _date_from_timeline(facts, events, found)
    document = _with_facts(document, facts, found)
    ordered = sorted(found, key=lambda x: (x.line or 0, x.code))
    return ImportResult(document, facts, events, milestones(events), tuple(ordered), name)


def _date_from_timeline(
    facts: Facts, events: tuple[TimedEvent, ...], found: list[ImportFinding]
) -> Facts:
    """A dated timeline beats a date read from the title, prose or front matter."""
    first = next((e for e in events if e.date is not None), None)
    source = facts.date_from.source if facts.date_from else None
    if first is not None and first.date is not None and source != "header":
        local = first.date
        if facts.date != local:
            line = first.line
            return dataclasses.replace(facts, date=local, date_from=_fact(first, line))
    if facts.date_from is not None and source in ("title", "prose"):
        date = find_date(facts.date_from.value)
        if date is not None and date.ambiguous:
            found.append(
                ImportFinding(
                    f.AMBIGUOUS_DATE,
                    f"{facts.date_from.value!r}: the date "
                    "could be month-day or day-month; read as month-day",
                    facts.date_from.line,
                )
            )
    return facts


def _fact(event: TimedEvent, line: int | None) -> Fact:
    return Fact(event.text[:60], line, "timeline")


_ADDED = ("Date of incident", "Severity", "Duration", "Services affected")


def _with_facts(document: Document, facts: Facts, found: list[ImportFinding]) -> Document:
    """Write facts found outside the header as header fields, each reported with its source."""
    have = {item.key for item in document.header}
    values = {
        "Date of incident": (facts.date.isoformat() if facts.date else None, facts.date_from),
        "Severity": (facts.severity, facts.severity_from),
        "Duration": (_hhmm(facts.duration_minutes), facts.duration_from),
        "Services affected": (", ".join(facts.services) or None, facts.services_from),
    }
    added: list[HeaderField] = []
    for key in _ADDED:
        value, source = values[key]
        if value is None or key in have or source is None or source.source == "header":
            continue
        added.append(HeaderField(key, value))
        where = f"line {source.line}" if source.line else source.source
        found.append(
            ImportFinding(
                f.FIELD_ADDED,
                f"{key!r} {value} taken from the {source.source} ({where})",
                source.line,
                Level.INFO,
            )
        )
    if not added:
        return document
    front: list[FrontItem] = list(document.front)
    anchor = max(
        (
            i
            for i, item in enumerate(front)
            if isinstance(item, HeaderField | Heading | FrontMatter)
        ),
        default=-1,
    )
    front[anchor + 1 : anchor + 1] = added
    return Document(tuple(front), document.sections)


def _hhmm(minutes: float | None) -> str | None:
    if minutes is None:
        return None
    whole = round(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"
