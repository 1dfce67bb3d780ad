"""The marker an issue opened for an action item carries in its body, so a sync that crashed
after opening the issue but before saving its link finds that issue again instead of opening a
second one. One token (letters, digits, dashes) so every tracker's search matches it whole."""

from __future__ import annotations

import re

_PREFIX = "hindsight-action-item-"
_MARKER = re.compile(re.escape(_PREFIX) + r"(?P<id>\d{1,18})\b")


def marker(item_id: int) -> str:
    return f"{_PREFIX}{item_id}"


def hidden_marker(item_id: int) -> str:
    """The marker as a Markdown comment: in the issue's source, not on its page."""
    return f"<!-- {marker(item_id)} -->"


def marked_item(body: str | None) -> int | None:
    """The action item id a body's marker names, if it has one."""
    found = _MARKER.search(body or "")
    return int(found.group("id")) if found else None


def carries_marker(body: str | None, item_id: int) -> bool:
    """Exactly this item's marker (a search matching `…-4` must not take `…-42`)."""
    return marked_item(body) == item_id
