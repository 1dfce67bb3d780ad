"""Provenance: every drafted sentence carries the ids of the evidence it rests on.

In the model a `Citation` pairs a drafted sentence (or header value, list item, timeline
entry) with the event keys or measurement ids behind it. In Markdown each drafted part of the
document (the header, or one section) ends with one HTML comment, invisible when rendered,
that the parser keeps as a `Raw` block and the renderer writes back to the letter:

    <!-- hindsight:draft summary 5c1e0a9b7d3f
    "From 14:32 to 15:19 UTC on 2026-03-14…" alertmanager:8c1f… pagerduty:Q1CHK…
    -->

The hex digest is of the part's text as drafted: when it still matches, nobody has edited the
part since, and a refresh may replace it (see `refresh`). `strip_provenance` removes the
comments for a clean copy.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from hindsight.core.document.model import Block, Document, FrontItem, HeaderField, Heading, Raw
from hindsight.core.document.render import render_block, render_field

HEADER = "header"
MARK = "hindsight:draft"
_EXCERPT_WORDS = 8
_TRAILER = re.compile(
    r"\A<!--\s*hindsight:draft\s+(?P<part>[a-z_]+)\s+(?P<digest>[0-9a-f]{12})\s*\n"
    r"(?P<body>.*?)\n?-->\Z",
    re.DOTALL,
)
_LINE = re.compile(r'^"(?P<excerpt>[^"]*)"(?P<keys>(?:\s+\S+)*)\s*$')


@dataclass(frozen=True)
class Citation:
    """A drafted statement and the evidence it rests on (never empty)."""

    part: str  # "header" or a `SectionKind` value
    text: str
    keys: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError(f"drafted text without evidence: {self.text!r}")
        if isinstance(self.keys, str) or any(not k for k in self.keys):
            raise ValueError("evidence keys are a tuple of non-empty strings")


@dataclass(frozen=True)
class Trailer:
    """A provenance comment read back from Markdown."""

    part: str
    digest: str
    cited: tuple[tuple[str, tuple[str, ...]], ...]  # (excerpt, keys) per drafted statement


def excerpt(text: str) -> str:
    """The first words of a statement, safe inside an HTML comment and a quoted field."""
    words = " ".join(text.split()).replace('"', "'").replace("--", "—").split(" ")
    short = " ".join(words[:_EXCERPT_WORDS])
    return short + ("…" if len(words) > _EXCERPT_WORDS else "")


def _key(key: str) -> str:
    """A key on one comment line: `%`, whitespace, quotes and `--` percent-encoded."""
    out = re.sub(r'[%\s"]', lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), key)
    return out.replace("--", "-%2D")


def _unkey(text: str) -> str:
    return re.sub(
        r"(?:%[0-9A-F]{2})+",
        lambda m: bytes.fromhex(m.group(0).replace("%", "")).decode("utf-8", "replace"),
        text,
    )


def digest(texts: Iterable[str]) -> str:
    return hashlib.sha256("\n\n".join(texts).encode("utf-8")).hexdigest()[:12]


def blocks_digest(blocks: Iterable[Block]) -> str:
    return digest(render_block(b) for b in blocks if not is_trailer(b))


def header_digest(front: Iterable[FrontItem], keys: Iterable[str]) -> str:
    """Digest of the drafted header: the title and the fields named `keys` (in order)."""
    wanted = set(keys)
    texts: list[str] = []
    for item in front:
        if isinstance(item, Heading) and item.level == 1:
            texts.append(item.text)
        elif isinstance(item, HeaderField) and item.key in wanted:
            texts.append(render_field(item))
    return digest(texts)


def trailer(part: str, part_digest: str, citations: Iterable[Citation]) -> Raw:
    lines = [f"<!-- {MARK} {part} {part_digest}"]
    for citation in citations:
        keys = " ".join(_key(k) for k in citation.keys)
        lines.append(f'"{excerpt(citation.text)}" {keys}')
    lines.append("-->")
    return Raw("\n".join(lines))


def is_trailer(block: object) -> bool:
    return isinstance(block, Raw) and block.text.startswith(f"<!-- {MARK} ")


def read_trailer(block: object) -> Trailer | None:
    if not isinstance(block, Raw):
        return None
    match = _TRAILER.match(block.text.strip())
    if match is None:
        return None
    cited: list[tuple[str, tuple[str, ...]]] = []
    for line in match.group("body").split("\n"):
        found = _LINE.match(line.strip())
        if found:
            keys = tuple(_unkey(k) for k in found.group("keys").split())
            cited.append((found.group("excerpt"), keys))
    return Trailer(match.group("part"), match.group("digest"), tuple(cited))


def read_provenance(document: Document) -> dict[str, Trailer]:
    """The provenance comments of a document, by part ("header", "summary", …)."""
    found: dict[str, Trailer] = {}
    blocks: list[object] = list(document.front)
    for section in document.sections:
        blocks.extend(section.blocks)
    for block in blocks:
        read = read_trailer(block)
        if read is not None and read.part not in found:
            found[read.part] = read
    return found


def strip_provenance(document: Document) -> Document:
    """The document without its provenance comments: what a reader publishes."""
    front = tuple(item for item in document.front if not is_trailer(item))
    sections = tuple(
        replace(s, blocks=tuple(b for b in s.blocks if not is_trailer(b)))
        for s in document.sections
    )
    return Document(front, sections)
