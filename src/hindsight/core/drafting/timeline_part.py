"""The drafted Timeline (cause timeline included, each entry with its source) and the
Reference materials (the evidence links), each line citing the event it shows."""

from __future__ import annotations

from hindsight.core.document.model import BulletList, ListItem, Paragraph
from hindsight.core.document.template import SectionKind
from hindsight.core.drafting import phrases
from hindsight.core.drafting.facts import Facts, Part
from hindsight.core.drafting.provenance import Citation
from hindsight.core.timeline import RenderSettings
from hindsight.core.timeline.render import document_entries, entry_line, milestone_of, zone_line

MAX_REFERENCES = 20


def timeline_part(facts: Facts) -> Part:
    part = SectionKind.TIMELINE.value
    settings = RenderSettings(
        tz=facts.tz, tz_name=facts.zone, document_kinds=facts.settings.document_kinds
    )
    entries = document_entries(facts.timeline, settings)
    days = {e.event.at.astimezone(facts.tz).date() for e in entries}
    days |= {e.until.astimezone(facts.tz).date() for e in entries if e.until is not None}
    dated = len(days) > 1
    marks = milestone_of(facts.timeline)  # the rows the linter reads the figures back from
    items: list[ListItem] = []
    cited: list[Citation] = []
    for entry in entries:
        line = entry_line(entry, facts.tz, dated=dated, milestone=marks.get(entry.event.key))
        items.append(ListItem(line))
        cited.append(Citation(part, line, (entry.event.key,)))
    blocks: tuple[Paragraph | BulletList, ...] = (Paragraph(zone_line(settings)),)
    if items:
        blocks += (BulletList(tuple(items)),)
    return Part(part, blocks, tuple(cited))


def references_part(facts: Facts) -> Part | None:
    part = SectionKind.REFERENCES.value
    seen: set[str] = set()
    items: list[ListItem] = []
    cited: list[Citation] = []
    settings = facts.settings
    for entry in facts.timeline.entries:
        event = entry.event
        if event.link is None or event.link in seen or event.kind not in settings.document_kinds:
            continue
        seen.add(event.link)
        name = phrases.clause(event.text)
        if len(name) > 60:
            name = name[:57].rstrip() + "…"
        line = f"{name} ({event.source}): {event.link}"
        items.append(ListItem(line))
        cited.append(Citation(part, line, (event.key,)))
        if len(items) >= MAX_REFERENCES:
            break
    if not items:
        return None
    intro = Paragraph(
        "All factual data — screenshots, command outputs, monitoring chart links,\n"
        "log excerpts, deploy diffs — goes here for later investigation and analysis."
    )
    return Part(part, (intro, BulletList(tuple(items))), tuple(cited))
