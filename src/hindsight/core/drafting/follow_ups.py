"""Close the loop in the draft: the follow-ups earlier incidents of the same services promised
and have not shipped, listed under Action items so the review sees what was already owed.

They are records, not evidence: the list says where each comes from (its incident) and is
not a drafted statement, so it carries no citation and a refresh leaves it to people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from hindsight.core.document.model import BulletList, Document, ListItem, Paragraph
from hindsight.core.document.template import SectionKind

LEAD = "Still open from earlier incidents of the same services (link them if they apply here):"


@dataclass(frozen=True)
class EarlierFollowUp:
    action: str
    owner: str | None
    due: str | None
    incident: str  # the earlier incident's slug


def with_earlier_follow_ups(document: Document, items: Sequence[EarlierFollowUp]) -> Document:
    """`document` with the list appended to its Action items section (unchanged if none)."""
    section = document.section(SectionKind.ACTION_ITEMS)
    if not items or section is None:
        return document
    lines = []
    for item in items:
        who = f", owner {item.owner}" if item.owner else ""
        due = f", due {item.due}" if item.due else ""
        lines.append(ListItem(f"{item.action} ({item.incident}{who}{due})"))
    blocks = (*section.blocks, Paragraph(LEAD), BulletList(tuple(lines)))
    sections = tuple(replace(s, blocks=blocks) if s is section else s for s in document.sections)
    return replace(document, sections=sections)
