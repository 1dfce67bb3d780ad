"""The editor's form rows: the header fields and the action-item table, read from a
postmortem's Markdown and written back into it, every other line kept to the letter. The
Markdown stays the one source of truth; the rows are another way to type into it.

The Status line is not a row: the workflow moves it (Draft → In review → Published).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hindsight.core.document.action_items import column_roles, placeholder_text
from hindsight.core.document.model import Document, HeaderField, Table
from hindsight.core.document.parse import parse
from hindsight.core.document.render import render_field, render_table
from hindsight.core.document.template import SectionKind

# The columns a row edits, in the order of the template's table.
COLUMNS = ("owner", "action", "type", "due", "tracking")
HEADINGS = {
    "owner": "Owner",
    "action": "Action",
    "type": "Type",
    "due": "Due",
    "tracking": "Tracking",
}
TYPES = ("prevent", "detect", "mitigate", "process")
LOCKED = frozenset({"Status"})  # header keys the form shows but does not write


@dataclass(frozen=True)
class FormField:
    label: str  # as written: what the line says and what a change is addressed by
    value: str  # "" for the template's placeholder
    placeholder: str  # the template's hint, shown greyed in the empty input
    locked: bool = False


@dataclass(frozen=True)
class FormRow:
    owner: str = ""
    action: str = ""
    type: str = ""
    due: str = ""
    tracking: str = ""
    row: int | None = None  # its row in the table as read, so other columns stay with it

    def cell(self, role: str) -> str:
        value: str = getattr(self, role)
        return value

    @property
    def empty(self) -> bool:
        return not any(self.cell(role).strip() for role in COLUMNS)


def _shown(value: str) -> tuple[str, str]:
    """(value, placeholder): template text is no value, only a hint."""
    return ("", value) if placeholder_text(value) else (value, "")


def header_fields(markdown: str) -> tuple[FormField, ...]:
    out = []
    for item in parse(markdown).header:
        value, hint = _shown(item.value)
        out.append(FormField(item.label, value, hint, locked=item.key in LOCKED))
    return tuple(out)


def _table(document: Document) -> Table | None:
    """The action items' first table (where form rows live)."""
    for block in document.section_blocks(SectionKind.ACTION_ITEMS):
        if isinstance(block, Table) and block.span is not None:
            return block
    return None


def action_rows(markdown: str) -> tuple[FormRow, ...]:
    table = _table(parse(markdown))
    if table is None:
        return ()
    roles = column_roles(table.header)
    rows = []
    for index, cells in enumerate(table.rows):
        values = {}
        for role in COLUMNS:
            position = roles.get(role)
            raw = cells[position].strip() if position is not None and position < len(cells) else ""
            values[role] = _shown(raw)[0].replace("\\|", "|")
        rows.append(FormRow(**values, row=index))
    return tuple(rows)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _escape(value: str) -> str:
    """One table cell: a line of text whose pipes do not split it."""
    return _one_line(value).replace("\\|", "|").replace("|", "\\|")


def with_header(markdown: str, values: Mapping[str, str]) -> str:
    """`markdown` with each header field named in `values` (by its label as written) saying
    its new value; fields not named, locked fields and every other line stay as they are."""
    lines = markdown.split("\n")
    edits: list[tuple[HeaderField, str]] = []
    for item in parse(markdown).header:
        if item.label in values and item.key not in LOCKED and item.span is not None:
            new = _one_line(values[item.label])
            if new != _one_line(item.value) and not (new == "" and placeholder_text(item.value)):
                edits.append((item, new))
    for item, new in sorted(edits, key=lambda e: -e[0].span.start if e[0].span else 0):
        assert item.span is not None
        line = render_field(HeaderField(item.label, new))
        lines[item.span.start - 1 : item.span.end] = [line]
    return "\n".join(lines)


def with_action_rows(markdown: str, rows: Sequence[FormRow]) -> str:
    """`markdown` with the action-item table holding `rows` (empty rows left out); a table is
    added to the section — or the section to the end — when there is none. Columns the form
    does not edit keep each row's cells."""
    kept = [r for r in rows if not r.empty]
    document = parse(markdown)
    lines = markdown.split("\n")
    table = _table(document)
    if table is None:
        if not kept:
            return markdown
        header = tuple(HEADINGS[c] for c in COLUMNS)
        block = render_table(Table(header, _cells(kept, header, ())))
        section = next((s for s in document.sections if s.kind is SectionKind.ACTION_ITEMS), None)
        end = section.end_line if section is not None else None
        if section is None or end is None:
            tail = markdown.rstrip("\n")
            return f"{tail}\n\n## Action items\n\n{block}\n"
        return "\n".join([*lines[:end], "", block, *lines[end:]])
    assert table.span is not None
    roles = column_roles(table.header)
    # A value for a column the table lacks adds the column rather than being dropped.
    added = [c for c in COLUMNS if c not in roles and any(r.cell(c).strip() for r in kept)]
    header = (*table.header, *(HEADINGS[c] for c in added))
    rendered = render_table(Table(header, _cells(kept, header, table.rows), table.align))
    lines[table.span.start - 1 : table.span.end] = rendered.split("\n")
    return "\n".join(lines)


def _cells(
    rows: Sequence[FormRow], header: tuple[str, ...], before: tuple[tuple[str, ...], ...]
) -> tuple[tuple[str, ...], ...]:
    """The table rows for `rows` under `header`; a row read from the table (`row`) keeps its
    cells in the columns the form does not edit."""
    roles = column_roles(header)
    out = []
    for row in rows:
        old = before[row.row] if row.row is not None and 0 <= row.row < len(before) else ()
        cells = [old[i] if i < len(old) else "" for i in range(len(header))]
        for role in COLUMNS:
            position = roles.get(role)
            if position is not None:
                cells[position] = _escape(row.cell(role))
        out.append(tuple(cells))
    return tuple(out)
