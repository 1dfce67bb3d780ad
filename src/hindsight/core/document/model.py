"""The postmortem document as values.

A document is a *front* (title, header fields and whatever else precedes the first section)
and a flat sequence of sections, each a heading plus Markdown blocks. Blocks keep the author's
text verbatim; the typed readings a check or a report needs (timeline entries, action items,
five whys, impact fields) are derived from the blocks by `readers`, so nothing the model does
not understand can be lost. Every element keeps the source lines it came from (`Span`), which
take no part in equality: two documents are equal when they say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from hindsight.core.document.template import (
    SECTIONS,
    FieldSpec,
    SectionKind,
    field_spec,
    normalise_label,
    section_spec,
)


@dataclass(frozen=True, order=True)
class Span:
    """1-based, inclusive line range in the source text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.start < 1 or self.end < self.start:
            raise ValueError(f"invalid span {self.start}-{self.end}")


@dataclass(frozen=True)
class Paragraph:
    text: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ListItem:
    text: str
    checked: bool | None = None  # a task-list item "[ ]" / "[x]"; None for a plain item
    span: Span | None = field(default=None, compare=False, repr=False)
    # The number the author wrote on an ordered item when it is not the previous one plus one
    # (a repeated or skipped step); None when it follows on, so renumbering is never silent.
    number: int | None = None


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]
    ordered: bool = False
    start: int = 1
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[str, ...] = ()  # per column: "", "left", "center" or "right"
    row_spans: tuple[Span | None, ...] = field(default=(), compare=False, repr=False)
    span: Span | None = field(default=None, compare=False, repr=False)

    def row_span(self, index: int) -> Span | None:
        return self.row_spans[index] if index < len(self.row_spans) else self.span


@dataclass(frozen=True)
class Raw:
    """Markdown we do not model (code, HTML, quotes, rules, comments): kept to the letter."""

    text: str
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class FrontMatter:
    """A YAML (`---`) or TOML (`+++`) block at the very top of the file, kept to the letter."""

    text: str
    syntax: str = "yaml"
    span: Span | None = field(default=None, compare=False, repr=False)


Block = Paragraph | BulletList | Table | Raw | FrontMatter


@dataclass(frozen=True)
class Heading:
    """A heading in the front of the document; the first level-1 heading is the title."""

    text: str
    level: int = 1
    span: Span | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class HeaderField:
    """`**Label:** value` in the front. `label` is as written; `key` is the template's name."""

    label: str
    value: str
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def spec(self) -> FieldSpec | None:
        return field_spec(self.label)

    @property
    def key(self) -> str | None:
        spec = self.spec
        return spec.key if spec else None


FrontItem = Block | Heading | HeaderField


@dataclass(frozen=True)
class Section:
    heading: str
    level: int = 2
    blocks: tuple[Block, ...] = ()
    span: Span | None = field(default=None, compare=False, repr=False)

    @property
    def kind(self) -> SectionKind | None:
        spec = section_spec(self.heading)
        return spec.kind if spec else None

    @property
    def end_line(self) -> int | None:
        """Last source line of the section (its heading if it has no blocks)."""
        spans = [b.span for b in self.blocks if b.span is not None]
        if spans:
            return max(s.end for s in spans)
        return self.span.end if self.span else None


@dataclass(frozen=True)
class Document:
    front: tuple[FrontItem, ...] = ()
    sections: tuple[Section, ...] = ()

    @property
    def title(self) -> Heading | None:
        for item in self.front:
            if isinstance(item, Heading) and item.level == 1:
                return item
        return None

    @property
    def description(self) -> str | None:
        """The title without its "Postmortem:" prefix."""
        title = self.title
        if title is None:
            return None
        text = title.text.strip()
        if normalise_label(text.split(":", 1)[0]) == "postmortem" and ":" in text:
            return text.split(":", 1)[1].strip()
        return text

    @property
    def header(self) -> tuple[HeaderField, ...]:
        return tuple(item for item in self.front if isinstance(item, HeaderField))

    def field(self, key: str) -> HeaderField | None:
        """The first header field whose canonical key is `key` (aliases resolved)."""
        for item in self.header:
            if item.key == key:
                return item
        return None

    def field_value(self, key: str) -> str | None:
        found = self.field(key)
        return found.value if found else None

    def section(self, kind: SectionKind) -> Section | None:
        for section in self.sections:
            if section.kind is kind:
                return section
        return None

    def section_blocks(self, kind: SectionKind) -> tuple[Block, ...]:
        """The blocks of the first `kind` section and of the unknown subsections nested in it."""
        out: list[Block] = []
        inside: Section | None = None
        for section in self.sections:
            if inside is None:
                if section.kind is kind:
                    inside = section
                    out.extend(section.blocks)
            elif section.level > inside.level and section.kind is None:
                out.extend(section.blocks)
            else:
                break
        return tuple(out)

    def known_sections(self) -> Iterator[tuple[SectionKind, Section]]:
        for section in self.sections:
            kind = section.kind
            if kind is not None:
                yield kind, section


SECTION_KINDS: tuple[SectionKind, ...] = tuple(s.kind for s in SECTIONS)


def block_text(block: Block) -> str:
    """The plain Markdown text of a block's content, for prose checks and analysis."""
    if isinstance(block, Paragraph | Raw | FrontMatter):
        return block.text
    if isinstance(block, BulletList):
        return "\n".join(item.text for item in block.items)
    return "\n".join(" | ".join(row) for row in (block.header, *block.rows))


def section_text(document: Document, kind: SectionKind) -> str:
    return "\n\n".join(block_text(b) for b in document.section_blocks(kind))
