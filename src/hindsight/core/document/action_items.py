"""Action items as written: a table's rows by their columns' roles, or a task list's items;
template placeholders are never items."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hindsight.core.document.model import Block, BulletList, Document, Span, Table
from hindsight.core.document.template import (
    SectionKind,
    contains_placeholder,
    is_placeholder,
    normalise_label,
)

_COLUMNS: dict[str, tuple[str, ...]] = {
    "owner": ("owner", "owners", "assignee", "assigned to", "who", "responsible", "dri"),
    "action": (
        "action",
        "actions",
        "action item",
        "description",
        "item",
        "task",
        "what",
        "follow up",
        "title",
        "summary",
    ),
    "type": ("type", "category", "kind", "class"),
    "priority": ("priority", "prio", "severity", "p"),
    "due": ("due", "due date", "deadline", "by", "target date", "eta", "when", "date"),
    "tracking": (
        "tracking",
        "ticket",
        "issue",
        "link",
        "bug",
        "tracker",
        "jira",
        "tracked in",
        "reference",
        "pr",
        "status link",
    ),
}
_REF = re.compile(r"https?://\S+|(?<![\w/])#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b")


@dataclass(frozen=True)
class ActionItem:
    """One action item as written. Template placeholders are never items: a row whose action
    is a placeholder (`<verb-led description>`, `<…>`, `…`) is left out, and a placeholder cell
    (`<name>`, `YYYY-MM-DD`, the Type cell's `prevent / detect / mitigate / process`) reads as
    empty. `tracking_column` is where a table row keeps its link (None: no such column)."""

    action: str
    owner: str | None = None
    type: str | None = None
    due: str | None = None
    tracking: str | None = None
    done: bool | None = None
    from_table: bool = False
    span: Span | None = field(default=None, compare=False)
    priority: str | None = None
    tracking_column: int | None = field(default=None, compare=False)


def column_roles(header: tuple[str, ...]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = normalise_label(cell)
        for role, names in _COLUMNS.items():
            if label in names and role not in roles:
                roles[role] = index
                break
    if "action" not in roles:
        free = [i for i in range(len(header)) if i not in roles.values()]
        if free:
            roles["action"] = free[0]
    return roles


def read_action_items(document: Document) -> tuple[ActionItem, ...]:
    out: list[ActionItem] = []
    for block in document.section_blocks(SectionKind.ACTION_ITEMS):
        out.extend(_actions_in(block))
    return tuple(out)


# The template's Type cell lists the choices; left as is, no choice was made.
_TYPE_CHOICES = re.compile(r"^\s*prevent\s*/\s*detect\s*/\s*mitigate\s*/\s*process\s*$", re.I)


def placeholder_text(text: str) -> bool:
    """Template text nobody filled in: `<…>` cells, `…`, `YYYY-MM-DD` and the like (a whole
    cell in angle brackets is a placeholder even when it happens to look like an HTML tag)."""
    stripped = text.strip()
    return (
        is_placeholder(stripped)
        or contains_placeholder(stripped)
        or (stripped.startswith("<") and stripped.endswith(">") and "://" not in stripped)
        or bool(_TYPE_CHOICES.match(stripped))
    )


def _filled(text: str | None) -> str | None:
    if text is None or not text.strip() or placeholder_text(text):
        return None
    return text.strip()


def _actions_in(block: Block) -> list[ActionItem]:
    if isinstance(block, Table):
        roles = column_roles(block.header)
        items: list[ActionItem] = []
        for index, row in enumerate(block.rows):

            def cell(role: str, row: tuple[str, ...] = row) -> str | None:
                position = roles.get(role)
                if position is None or position >= len(row):
                    return None
                return _filled(row[position])

            action = cell("action")
            if action is None:
                continue  # an empty or template row is not work anyone owns
            items.append(
                ActionItem(
                    action,
                    cell("owner"),
                    cell("type"),
                    cell("due"),
                    cell("tracking"),
                    None,
                    True,
                    block.row_span(index),
                    cell("priority"),
                    roles.get("tracking"),
                )
            )
        return items
    if isinstance(block, BulletList):
        items = []
        for item in block.items:
            if _filled(item.text) is None:
                continue
            ref = _REF.search(item.text)
            items.append(
                ActionItem(
                    item.text,
                    None,
                    None,
                    None,
                    ref.group(0) if ref else None,
                    item.checked,
                    False,
                    item.span,
                )
            )
        return items
    return []
