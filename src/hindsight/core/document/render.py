"""`Document` → canonical Markdown, deterministically.

Canonical form: ATX headings (the title at level 1, template sections at level 2, other
headings at the level they were written), header fields as `**Label:** value` lines, one blank
line between blocks, `-` bullets and `1.` numbers (counting on from the list's start, except
where the author wrote another: a repeated or skipped step keeps its number), padded tables.
Text inside blocks is written as it was read. `render(parse(render(d))) == render(d)` holds
for every document.
"""

from __future__ import annotations

from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    FrontMatter,
    HeaderField,
    Heading,
    ListItem,
    Paragraph,
    Raw,
    Table,
)


def render(document: Document) -> str:
    chunks: list[str] = []
    fields: list[str] = []
    lists = _ListMarkers()
    for item in document.front:
        if isinstance(item, HeaderField):
            fields.append(render_field(item))
            continue
        if fields:
            chunks.append("\n".join(fields))
            fields = []
            lists.reset()
        if isinstance(item, Heading):
            chunks.append(f"{'#' * item.level} {item.text}".rstrip())
            lists.reset()
        else:
            chunks.append(render_block(item, lists.alternate(item)))
    if fields:
        chunks.append("\n".join(fields))
    for section in document.sections:
        level = 2 if section.kind is not None else section.level
        chunks.append(f"{'#' * level} {section.heading}".rstrip())
        lists.reset()
        for block in section.blocks:
            chunks.append(render_block(block, lists.alternate(block)))
    text = "\n\n".join(chunk for chunk in chunks if chunk)
    return text + "\n" if text else ""


class _ListMarkers:
    """Two adjacent lists of the same kind would merge into one when read back, so the second
    uses the other marker (`*` for `-`, `)` for `.`)."""

    def __init__(self) -> None:
        self._previous: Block | None = None
        self._alternated = False

    def reset(self) -> None:
        self._previous = None
        self._alternated = False

    def alternate(self, block: Block) -> bool:
        previous, self._previous = self._previous, block
        same = (
            isinstance(block, BulletList)
            and isinstance(previous, BulletList)
            and previous.ordered == block.ordered
        )
        self._alternated = same and not self._alternated
        return self._alternated


def render_field(item: HeaderField) -> str:
    return f"**{item.label}:** {item.value}".rstrip()


def render_block(block: Block, alternate: bool = False) -> str:
    if isinstance(block, Paragraph | Raw | FrontMatter):
        return block.text
    if isinstance(block, BulletList):
        return "\n".join(
            _render_item(item, marker)
            for item, marker in zip(block.items, _markers(block, alternate), strict=True)
        )
    return render_table(block)


def _markers(block: BulletList, alternate: bool) -> list[str]:
    """`-` (or `*`) bullets; numbers that follow on from `start` except where the author wrote
    another (a repeated or skipped step keeps its number)."""
    if not block.ordered:
        return ["*" if alternate else "-"] * len(block.items)
    delimiter = ")" if alternate else "."
    markers: list[str] = []
    number = block.start
    for item in block.items:
        if item.number is not None:
            number = item.number
        markers.append(f"{number}{delimiter}")
        number += 1
    return markers


def _render_item(item: ListItem, marker: str) -> str:
    lines = item.text.split("\n")
    task = "" if item.checked is None else ("[x] " if item.checked else "[ ] ")
    indent = " " * (len(marker) + 1)
    first = f"{marker} {task}{lines[0]}".rstrip()
    rest = [f"{indent}{line}" if line.strip() else "" for line in lines[1:]]
    return "\n".join([first, *rest])


def render_table(table: Table) -> str:
    width = max([len(table.header), *(len(row) for row in table.rows)])
    columns = len(table.header)
    sizes = [3] * width
    for row in (table.header, *table.rows):
        for index, cell in enumerate(row):
            sizes[index] = max(sizes[index], len(cell))

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(sizes[i]) for i, c in enumerate(cells)) + " |"

    delimiter: list[str] = []
    for index in range(columns):
        align = table.align[index] if index < len(table.align) else ""
        dashes = "-" * sizes[index]
        if align == "center":
            dashes = ":" + dashes[2:] + ":"
        elif align == "right":
            dashes = dashes[1:] + ":"
        elif align == "left":
            dashes = ":" + dashes[1:]
        delimiter.append(dashes)
    out = [line(table.header), "| " + " | ".join(delimiter) + " |"]
    out.extend(line(row) for row in table.rows)
    return "\n".join(out)
