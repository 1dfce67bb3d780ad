"""The action-item table: column labels the template's way, Type values in lower case.

A type written as a noun ("Detection") is left for AC005 to report: mapping it would also
silence rules that count types (AC008), and a fix removes only findings of fixable rules.

A table is rewritten (re-padded, every cell's text kept) only when it is clearly the action
table: at least two of Owner / Type / Due / Tracking are recognised by their labels.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hindsight.core.checks.fixes.edits import Edit
from hindsight.core.document.action_items import column_roles
from hindsight.core.document.model import Document, Table
from hindsight.core.document.render import render_table
from hindsight.core.document.template import ACTION_COLUMNS, ACTION_TYPES, SectionKind

_TITLES = {column.casefold(): column for column in ACTION_COLUMNS}


def canonical_type(cell: str) -> str | None:
    """The type in the template's spelling when `cell` writes it otherwise ("Detect")."""
    word = cell.strip().casefold()
    return word if word in ACTION_TYPES and word != cell.strip() else None


def _named_role(cell: str) -> str | None:
    """The role a header cell names by its label (not the action column's fallback)."""
    roles = column_roles((cell,))
    role = next(iter(roles), None)
    return role if role not in (None, "action") else None


def tables(document: Document, lines: Sequence[str]) -> Iterator[Edit]:
    for block in document.section_blocks(SectionKind.ACTION_ITEMS):
        if not isinstance(block, Table) or block.span is None:
            continue
        edit = _fixed(block)
        if edit is not None:
            yield edit


def _fixed(table: Table) -> Edit | None:
    named = {i: role for i, cell in enumerate(table.header) if (role := _named_role(cell))}
    if len(named) < 2 or len(set(named.values())) != len(named):
        return None
    header = tuple(_TITLES[named[i]] if i in named else cell for i, cell in enumerate(table.header))
    type_column = next((i for i, role in named.items() if role == "type"), None)
    rows: list[tuple[str, ...]] = []
    for row in table.rows:
        cells = list(row)
        if type_column is not None and type_column < len(cells):
            found = canonical_type(cells[type_column])
            if found is not None:
                cells[type_column] = found
        rows.append(tuple(cells))
    fixed = Table(header, tuple(rows), table.align)
    if fixed == table:
        return None
    assert table.span is not None
    text = render_table(fixed)
    return Edit(table.span.start, table.span.end, tuple(text.split("\n")), "FMT", "action table")
