"""Markdown → `Document`, tolerant of the shapes real postmortems come in.

markdown-it-py finds the top-level blocks and their line ranges; each block's text is then
taken verbatim from the source lines, so the author's prose survives to the letter. Headings
open sections (known ones by alias, others kept as they are); the front of the document yields
the title and the header fields, written as bold lines, plain `Label: value` lines, a bullet list
or a two-column table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    FrontItem,
    FrontMatter,
    HeaderField,
    Heading,
    ListItem,
    Paragraph,
    Raw,
    Section,
    Span,
    Table,
)
from hindsight.core.document.template import field_spec, section_spec

# Only block structure is needed: block text is taken verbatim from the source, and a heading's
# inline token keeps its raw content. Skipping inline parsing makes parsing about 2.5x faster.
_MD = MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "text_join"])

_FIELD_BOLD = re.compile(
    r"^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<label>[^*_\n]{1,60}?)\s*:\s*(?:\*\*|__)\s*(?P<value>.*?)\s*$"
    r"|^\s*(?:[-*+]\s+)?(?:\*\*|__)(?P<label2>[^*_\n]{1,60}?)(?:\*\*|__)\s*:\s*(?P<value2>.*?)\s*$"
)
_FIELD_PLAIN = re.compile(
    r"^\s*(?P<label>[A-Za-z][A-Za-z /()'-]{1,40}?)\s*:\s+(?P<value>\S.*?)\s*$"
)
_MARKER = re.compile(r"^(?P<indent> {0,3})(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+|$)")
_TASK = re.compile(r"^\[(?P<mark>[ xX])\](?:[ \t]+|$)")


@dataclass(frozen=True)
class _Piece:
    """A top-level block of the source with its 1-based line span."""

    kind: str  # heading | paragraph | list | table | raw
    lines: list[str]
    span: Span
    token: Token
    level: int = 0
    text: str = ""


def parse(text: str) -> Document:
    """Parse Markdown text into a `Document`. Never raises on any `str` input."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    front: list[FrontItem] = []
    offset = 0
    matter = _front_matter(lines)
    if matter is not None:
        front.append(matter)
        offset = matter.span.end if matter.span else 0
    pieces = _pieces(lines[offset:], offset)
    return _assemble(pieces, front, lines)


def _front_matter(lines: list[str]) -> FrontMatter | None:
    if not lines or lines[0].rstrip() not in ("---", "+++"):
        return None
    fence = lines[0].rstrip()
    closers = ("---", "...") if fence == "---" else ("+++",)
    for index in range(1, min(len(lines), 500)):
        if lines[index].rstrip() in closers:
            if index == 1:
                return None  # "---" then "---": a rule, not front matter
            body = "\n".join(line.rstrip() for line in lines[: index + 1])
            syntax = "yaml" if fence == "---" else "toml"
            return FrontMatter(body, syntax, Span(1, index + 1))
    return None


def _pieces(lines: list[str], offset: int) -> list[_Piece]:
    tokens = _MD.parse("\n".join(lines))
    pieces: list[_Piece] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.level != 0 or token.map is None or token.nesting == -1:
            index += 1
            continue
        start, end = token.map
        chunk = lines[start:end]
        while chunk and not chunk[-1].strip():
            chunk.pop()
            end -= 1
        span = Span(start + 1 + offset, max(start + 1, end) + offset)
        kind = {
            "heading_open": "heading",
            "paragraph_open": "paragraph",
            "bullet_list_open": "list",
            "ordered_list_open": "list",
            "table_open": "table",
        }.get(token.type, "raw")
        if kind == "heading":
            inline = tokens[index + 1]
            heading_text = " ".join(inline.content.split("\n")).strip()
            pieces.append(_Piece(kind, chunk, span, token, int(token.tag[1]), heading_text))
        elif kind == "list":
            pieces.append(
                _Piece(kind, chunk, span, token, text=_encode_items(tokens, index, offset))
            )
        else:
            pieces.append(_Piece(kind, chunk, span, token))
        index = _skip(tokens, index)
    return _with_uncovered(pieces, lines, offset)


def _with_uncovered(pieces: list[_Piece], lines: list[str], offset: int) -> list[_Piece]:
    """Add the source lines markdown-it emits no token for (link reference definitions) as raw
    pieces, so that they are kept in place."""
    covered = [False] * len(lines)
    for piece in pieces:
        for number in range(piece.span.start - 1 - offset, piece.span.end - offset):
            covered[number] = True
    extra: list[_Piece] = []
    run: list[int] = []
    for number, line in enumerate([*lines, ""]):
        if number < len(lines) and not covered[number] and line.strip():
            run.append(number)
            continue
        if run:
            chunk = [lines[n] for n in run]
            span = Span(run[0] + 1 + offset, run[-1] + 1 + offset)
            extra.append(_Piece("raw", chunk, span, Token("reference", "", 0)))
            run = []
    if not extra:
        return pieces
    return sorted([*pieces, *extra], key=lambda piece: piece.span.start)


def _skip(tokens: list[Token], index: int) -> int:
    """Index of the token after the block opened at `index`."""
    token = tokens[index]
    if token.nesting != 1:
        return index + 1
    depth = 0
    while index < len(tokens):
        depth += tokens[index].nesting
        index += 1
        if depth == 0:
            break
    return index


_ITEM_SEP = "\x00"


def _encode_items(tokens: list[Token], index: int, offset: int) -> str:
    """The absolute 0-based line ranges of a list's items, "start:end" joined by NUL."""
    ranges: list[str] = []
    depth = 0
    position = index
    while position < len(tokens):
        token = tokens[position]
        depth += token.nesting
        if token.type == "list_item_open" and depth == 2 and token.map is not None:
            ranges.append(f"{token.map[0] + offset}:{token.map[1] + offset}")
        position += 1
        if depth == 0:
            break
    return _ITEM_SEP.join(ranges)


def _list_block(piece: _Piece, lines: list[str]) -> BulletList:
    ordered = piece.token.type == "ordered_list_open"
    start_attr = int(piece.token.attrs.get("start", 1)) if ordered else 1
    items: list[ListItem] = []
    expected = start_attr
    for encoded in piece.text.split(_ITEM_SEP):
        if not encoded:
            continue
        start, end = (int(part) for part in encoded.split(":"))
        chunk = lines[start:end]
        while chunk and not chunk[-1].strip():
            chunk.pop()
            end -= 1
        if not chunk:
            continue
        first = chunk[0].expandtabs(4)
        match = _MARKER.match(first)
        width = match.end() if match else 0
        if match and not match.group("gap"):
            width = len(match.group("indent")) + len(match.group("marker")) + 1
        body = [first[width:].rstrip()] if match else [first.strip()]
        for line in chunk[1:]:
            line = line.expandtabs(4).rstrip()
            strip = min(width, len(line) - len(line.lstrip(" ")))
            body.append(line[strip:])
        item_text = "\n".join(body)
        checked: bool | None = None
        task = _TASK.match(item_text)
        if task:
            checked = task.group("mark") != " "
            item_text = item_text[task.end() :]
        number: int | None = None
        if ordered and match:
            written = int(match.group("marker")[:-1])
            number = written if written != expected else None
            expected = written + 1
        span = Span(start + 1, max(start + 1, end))
        items.append(ListItem(item_text, checked, span, number))
    return BulletList(tuple(items), ordered, start_attr, piece.span)


def _split_row(line: str) -> tuple[str, ...]:
    stripped = line.strip()
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    cells: list[str] = []
    current: list[str] = []
    escaped = in_code = False
    for char in stripped:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == "`":
            in_code = not in_code
            current.append(char)
        elif char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    cells.append("".join(current).strip())
    return tuple(cells)


def _align(cell: str) -> str:
    cell = cell.strip()
    if cell.startswith(":") and cell.endswith(":"):
        return "center"
    if cell.endswith(":"):
        return "right"
    if cell.startswith(":"):
        return "left"
    return ""


def _table_block(piece: _Piece) -> Table:
    header = _split_row(piece.lines[0])
    align = tuple(_align(c) for c in _split_row(piece.lines[1])) if len(piece.lines) > 1 else ()
    rows: list[tuple[str, ...]] = []
    spans: list[Span | None] = []
    for number, line in enumerate(piece.lines[2:], start=piece.span.start + 2):
        if line.strip():
            rows.append(_split_row(line))
            spans.append(Span(number, number))
    return Table(header, tuple(rows), align, tuple(spans), piece.span)


def _paragraph_text(lines: list[str]) -> str:
    return "\n".join(line.strip() for line in lines)


def _block(piece: _Piece, lines: list[str]) -> Block:
    if piece.kind == "paragraph":
        return Paragraph(_paragraph_text(piece.lines), piece.span)
    if piece.kind == "list":
        return _list_block(piece, lines)
    if piece.kind == "table":
        return _table_block(piece)
    return Raw("\n".join(line.rstrip() for line in piece.lines), piece.span)


def _field_match(line: str) -> tuple[str, str] | None:
    match = _FIELD_BOLD.match(line)
    if match:
        label = match.group("label") or match.group("label2")
        value = match.group("value") if match.group("label") else match.group("value2")
        return label.strip(), value or ""
    match = _FIELD_PLAIN.match(line)
    if match and field_spec(match.group("label")) is not None:
        return match.group("label").strip(), match.group("value")
    return None


def _front_items(block: Block) -> list[FrontItem]:
    """Header fields out of a front-of-document block; the block itself when it holds none."""
    if isinstance(block, Paragraph) and block.span is not None:
        items: list[FrontItem] = []
        pending: list[tuple[int, str]] = []

        def flush() -> None:
            if pending:
                text = "\n".join(line for _, line in pending)
                items.append(Paragraph(text, Span(pending[0][0], pending[-1][0])))
                pending.clear()

        for number, line in enumerate(block.text.split("\n"), start=block.span.start):
            found = _field_match(line)
            if found:
                flush()
                items.append(HeaderField(found[0], found[1], Span(number, number)))
            else:
                pending.append((number, line))
        flush()
        return items
    if isinstance(block, BulletList) and not block.ordered and block.items:
        fields = [
            _field_match(item.text) if "\n" not in item.text else None for item in block.items
        ]
        if all(fields):
            return [
                HeaderField(found[0], found[1], item.span)
                for found, item in zip(fields, block.items, strict=True)
                if found
            ]
    if isinstance(block, Table) and block.header and all(len(r) >= 2 for r in block.rows):
        labels = [row[0].strip("*_ :") for row in block.rows]
        known = sum(field_spec(label) is not None for label in labels)
        if block.rows and known * 2 >= len(labels) and len(block.header) == 2:
            out: list[FrontItem] = []
            head_label = block.header[0].strip("*_ :")
            if field_spec(head_label) is not None:
                out.append(HeaderField(head_label, block.header[1], block.span))
            for index, (label, row) in enumerate(zip(labels, block.rows, strict=True)):
                out.append(HeaderField(label, " | ".join(row[1:]), block.row_span(index)))
            return out
    return [block]


def _assemble(pieces: list[_Piece], front: list[FrontItem], lines: list[str]) -> Document:
    sections: list[Section] = []
    current: Section | None = None
    blocks: list[Block] = []
    has_title = any(isinstance(item, Heading) for item in front)

    def close() -> None:
        nonlocal current
        if current is not None:
            sections.append(Section(current.heading, current.level, tuple(blocks), current.span))
        blocks.clear()

    for piece in pieces:
        if piece.kind == "heading":
            is_title = (
                piece.level == 1
                and current is None
                and not has_title
                and section_spec(piece.text) is None
            )
            if is_title:
                front.append(Heading(piece.text, 1, piece.span))
                has_title = True
                continue
            close()
            current = Section(piece.text, piece.level, (), piece.span)
            continue
        block = _block(piece, lines)
        if current is None:
            front.extend(_front_items(block))
        else:
            blocks.append(block)
    close()
    return Document(tuple(front), tuple(sections))
