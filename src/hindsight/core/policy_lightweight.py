"""The lightweight postmortem a near-miss gets (the trigger table's `lightweight`): Summary,
Timeline, why the defences worked, Action items — cut from the full draft, so every drafted
sentence keeps its provenance. The guide's reason: the defences already worked, and the
document says why so they keep working (blameless-postmortem-guide.txt, the table's notes)."""

from __future__ import annotations

from collections.abc import Iterable

from hindsight.core.document.model import BulletList, Document, ListItem, Paragraph, Section
from hindsight.core.document.template import SectionKind
from hindsight.core.events import Event, EventKind

DEFENCES_HEADING = "Why the defences worked"
KEPT = (SectionKind.SUMMARY, SectionKind.TIMELINE)


def lightweight(full: Document, events: Iterable[Event]) -> Document:
    """`full` (a draft of the whole template) cut to the lightweight one."""
    kept = [s for s in full.sections if s.kind in KEPT]
    actions = [s for s in full.sections if s.kind is SectionKind.ACTION_ITEMS]
    return Document(full.front, (*kept, defences_section(events), *actions))


def defences_section(events: Iterable[Event]) -> Section:
    """What the evidence shows the automation did (its mitigations and resolutions), as the
    starting point of the section the author completes."""
    done = [
        e
        for e in events
        if e.kind in (EventKind.MITIGATION, EventKind.RESOLVED)
        and e.actor is not None
        and e.actor.is_bot
    ]
    prompt = Paragraph(
        "<Which check, gate or automation caught this before customers saw it, and what keeps "
        "it working for the next variant?>"
    )
    if not done:
        return Section(DEFENCES_HEADING, 2, (prompt,))
    items = tuple(
        ListItem(f"{e.at:%H:%M} — {e.text} ({e.actor.name if e.actor else e.source})") for e in done
    )
    return Section(DEFENCES_HEADING, 2, (BulletList(items), prompt))
