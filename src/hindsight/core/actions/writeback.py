"""Writing a tracker link into a postmortem's action item, changing nothing else.

The link goes into the item's Tracking cell (its table row is edited in place, every other
cell and line kept to the letter); a bulleted item gets the link appended. Re-rendering the
whole document would reformat text nobody asked to change.
"""

from __future__ import annotations

from hindsight.core.document import parse
from hindsight.core.document.action_items import ActionItem, read_action_items
from hindsight.core.errors import InputError


def split_row(line: str) -> list[str]:
    """The cells of a table row as written (unescaped pipes split; `\\|` stays in its cell)."""
    cells: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(line):
        char = line[index]
        if char == "\\" and index + 1 < len(line):
            current.append(line[index : index + 2])
            index += 2
            continue
        if char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current))
    return cells


def _set_cell(line: str, column: int, value: str) -> str:
    stripped = line.strip()
    lead = line[: len(line) - len(line.lstrip())]
    parts = split_row(stripped)
    # "| a | b |" splits into ['', ' a ', ' b ', '']: the outer pipes frame the cells.
    framed_left = stripped.startswith("|")
    framed_right = stripped.endswith("|") and not stripped.endswith("\\|")
    cells = parts[1 if framed_left else 0 : len(parts) - 1 if framed_right else len(parts)]
    while len(cells) <= column:
        cells.append(" ")
    cells[column] = f" {value} "
    return lead + ("|" if framed_left else "") + "|".join(cells) + ("|" if framed_right else "")


def with_tracking(markdown: str, position: int, action: str, link: str) -> str:
    """`markdown` with `link` written into the tracking of action item `position` (1-based,
    as `read_action_items` counts), which must still read `action`."""
    items = read_action_items(parse(markdown))
    item: ActionItem | None = items[position - 1] if 0 < position <= len(items) else None
    if item is None or item.action != action or item.span is None:
        raise InputError(
            f"action item {position} ({action!r}) is no longer in the postmortem",
            where="Action items",
            fix="run the sync again: it reads the postmortem as it is now",
        )
    newline = "\r\n" if "\r\n" in markdown else "\n"
    lines = markdown.split(newline)
    if item.from_table and item.tracking_column is not None:
        index = item.span.start - 1
        lines[index] = _set_cell(lines[index], item.tracking_column, link)
    else:
        index = item.span.end - 1
        lines[index] = f"{lines[index].rstrip()} ({link})"
    return newline.join(lines)
