"""What rules share about one document: its status, typed readings and prose, read once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from hindsight.core.checks import chrono
from hindsight.core.checks.options import LintOptions
from hindsight.core.checks.people import header_people
from hindsight.core.checks.vocab import Vocabulary, vocabulary
from hindsight.core.document.action_items import ActionItem, column_roles, read_action_items
from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    HeaderField,
    Paragraph,
    Section,
    Span,
    Table,
)
from hindsight.core.document.readers import (
    ImpactField,
    RootCause,
    Timeline,
    TimelineEntry,
    WhyStep,
    read_five_whys,
    read_impact,
    read_root_cause,
    read_timeline,
)
from hindsight.core.document.template import SectionKind, contains_placeholder, normalise_label

COMPLETE_STATUSES = frozenset({"in review", "published"})
PEOPLE_FIELDS = ("Incident team", "Author", "Reviewers")


@dataclass(frozen=True)
class Prose:
    """A piece of the author's prose: a paragraph, a list item or a table row."""

    kind: SectionKind | None
    text: str
    line: int  # source line of the text's first line

    def position(self, offset: int) -> tuple[int, int]:
        """(line, column) of a character offset into `text`; columns count within the text."""
        before = self.text[:offset]
        newline = before.rfind("\n")
        return self.line + before.count("\n"), offset - newline


class Context:
    """One document under lint. Readings are computed on first use and shared by all rules."""

    def __init__(self, document: Document, options: LintOptions) -> None:
        self.document = document
        self.options = options
        self._blocks: dict[SectionKind, tuple[Block, ...]] = {}
        self.memo: dict[str, object] = {}  # readings a rule family computes once per document

    @cached_property
    def _fields(self) -> dict[str, HeaderField]:
        out: dict[str, HeaderField] = {}
        for item in self.document.header:
            key = item.key  # resolving the label is the costly part: once per field
            if key is not None:
                out.setdefault(key, item)
        return out

    def field(self, key: str) -> HeaderField | None:
        return self._fields.get(key)

    def field_value(self, key: str) -> str | None:
        found = self._fields.get(key)
        return found.value if found else None

    @cached_property
    def kinds(self) -> tuple[SectionKind | None, ...]:
        """The kind of each section, in order (resolved once; headings are free text)."""
        return tuple(section.kind for section in self.document.sections)

    def known_sections(self) -> list[tuple[SectionKind, Section]]:
        return [
            (kind, section)
            for kind, section in zip(self.kinds, self.document.sections, strict=True)
            if kind is not None
        ]

    def section_blocks(self, kind: SectionKind) -> tuple[Block, ...]:
        """Like `Document.section_blocks`, from the resolved kinds."""
        found = self._blocks.get(kind)
        if found is None:
            out: list[Block] = []
            inside: Section | None = None
            for own, section in zip(self.kinds, self.document.sections, strict=True):
                if inside is None:
                    if own is kind:
                        inside = section
                        out.extend(section.blocks)
                elif section.level > inside.level and own is None:
                    out.extend(section.blocks)
                else:
                    break
            found = self._blocks[kind] = tuple(out)
        return found

    @cached_property
    def status(self) -> str | None:
        value = self.field_value("Status")
        return normalise_label(value) if value else None

    @cached_property
    def must_be_complete(self) -> bool:
        """In review or Published: missing content is an error. Draft or unknown: a warning."""
        return self.status in COMPLETE_STATUSES

    @cached_property
    def incident_date(self) -> dt.date | None:
        value = (self.field_value("Date of incident") or "").strip()
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None

    @cached_property
    def timeline(self) -> Timeline:
        return read_timeline(self.document)

    @cached_property
    def entries(self) -> tuple[TimelineEntry, ...]:
        """Timeline entries that are not the template's `HH:MM — <event>` rows."""
        return tuple(
            e
            for e in self.timeline.entries
            if "HH:MM" not in e.raw and not contains_placeholder(e.raw)
        )

    @cached_property
    def reading(self) -> chrono.Reading:
        """The timeline's milestones and their placed rows, read once for the timeline rules
        and the figures (`chrono.metrics_of`)."""
        return chrono.read(self.entries)

    @cached_property
    def impact(self) -> tuple[ImpactField, ...]:
        return read_impact(self.document)

    @cached_property
    def root_cause(self) -> RootCause:
        return read_root_cause(self.document)

    @cached_property
    def whys(self) -> tuple[WhyStep, ...]:
        return read_five_whys(self.document)

    @cached_property
    def actions(self) -> tuple[ActionItem, ...]:
        return read_action_items(self.document)

    @cached_property
    def action_tables(self) -> tuple[tuple[Table, dict[str, int]], ...]:
        blocks = self.section_blocks(SectionKind.ACTION_ITEMS)
        return tuple((b, column_roles(b.header)) for b in blocks if isinstance(b, Table))

    @cached_property
    def people(self) -> frozenset[str]:
        values = [self.field_value(key) or "" for key in PEOPLE_FIELDS]
        return header_people(v for v in values if "<" not in v)

    @cached_property
    def people_keys(self) -> frozenset[str]:
        return frozenset(p.casefold() for p in self.people)

    def section(self, kind: SectionKind) -> Section | None:
        for own, section in zip(self.kinds, self.document.sections, strict=True):
            if own is kind:
                return section
        return None

    def vocabulary(self, kind: str) -> Vocabulary:
        return vocabulary(kind, self.options.extra_terms, self.options.disabled_terms)

    @cached_property
    def _prose(self) -> tuple[Prose, ...]:
        out: list[Prose] = []
        current: SectionKind | None = None
        for kind, section in zip(self.kinds, self.document.sections, strict=True):
            # Unknown subsections belong to the known section above them.
            if kind is not None or section.level <= 2:
                current = kind
            for block in section.blocks:
                out.extend(_block_prose(current, block))
        return tuple(out)

    def prose(self, *kinds: SectionKind | None) -> Iterator[Prose]:
        """Prose of the given section kinds (None: sections we do not model); all if none given."""
        for piece in self._prose:
            if not kinds or piece.kind in kinds:
                yield piece


def _block_prose(kind: SectionKind | None, block: object) -> Iterator[Prose]:
    if isinstance(block, Paragraph) and block.span:
        yield Prose(kind, block.text, block.span.start)
    elif isinstance(block, BulletList):
        for item in block.items:
            if item.span:
                yield Prose(kind, item.text, item.span.start)
    elif isinstance(block, Table):
        for index, row in enumerate(block.rows):
            span = block.row_span(index)
            if span:
                yield Prose(kind, " | ".join(row), span.start)


def line_of(span: Span | None) -> int:
    return span.start if span else 1
