"""`draft(timeline, metrics)`: the postmortem template, pre-filled from the evidence.

Deterministic and pure: the same timeline and measurements give the same document, byte for
byte. Parts with nothing to go on keep the template's text; every drafted statement is a
`Citation` naming the events or measurements behind it, and each drafted part ends with its
provenance comment (see `provenance`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from hindsight.core.document.model import (
    Block,
    BulletList,
    Document,
    FrontItem,
    FrontMatter,
    Paragraph,
    Raw,
    Section,
    Table,
)
from hindsight.core.document.parse import parse
from hindsight.core.document.template import SECTIONS, TEMPLATE, SectionKind
from hindsight.core.drafting.facts import DraftSettings, Part, gather
from hindsight.core.drafting.header import DRAFTED_FIELDS, header_part
from hindsight.core.drafting.impact import ImpactFigures, ServiceMetrics
from hindsight.core.drafting.impact_part import impact_part
from hindsight.core.drafting.provenance import (
    Citation,
    blocks_digest,
    header_digest,
    trailer,
)
from hindsight.core.drafting.sections import (
    action_items_part,
    five_whys_part,
    root_cause_part,
    summary_part,
)
from hindsight.core.drafting.timeline_part import references_part, timeline_part
from hindsight.core.timeline import Timeline


@dataclass(frozen=True)
class Draft:
    document: Document  # with provenance comments
    citations: tuple[Citation, ...]
    notes: tuple[str, ...] = ()  # data the draft could not find
    figures: tuple[ImpactFigures, ...] = ()

    @property
    def parts(self) -> tuple[str, ...]:
        """The drafted parts ("header", "summary", …), in document order."""
        return tuple(dict.fromkeys(c.part for c in self.citations))

    def provenance(self) -> dict[tuple[str, str], tuple[str, ...]]:
        """(part, drafted text) → the evidence keys it rests on."""
        return {(c.part, c.text): c.keys for c in self.citations}


@cache
def template_document() -> Document:
    return parse(TEMPLATE)


def _template_section(kind: SectionKind) -> Section:
    found = template_document().section(kind)
    assert found is not None
    return found


def draft(
    timeline: Timeline,
    metrics: Sequence[ServiceMetrics] = (),
    settings: DraftSettings | None = None,
) -> Draft:
    facts = gather(timeline, metrics, settings or DraftSettings())
    targets = {
        m.service: (m.slo_target, m.slo_window_days) for m in metrics if m.slo_target is not None
    }
    parts: dict[str, Part | None] = {
        SectionKind.SUMMARY.value: summary_part(facts),
        SectionKind.IMPACT.value: impact_part(facts, targets),
        SectionKind.TIMELINE.value: timeline_part(facts),
        SectionKind.ROOT_CAUSE.value: root_cause_part(facts),
        SectionKind.FIVE_WHYS.value: five_whys_part(facts),
        SectionKind.ACTION_ITEMS.value: action_items_part(),
        SectionKind.REFERENCES.value: references_part(facts),
    }
    header = header_part(facts)
    front: tuple[FrontItem, ...] = header.blocks
    front += (trailer(header.name, header_digest(front, DRAFTED_FIELDS), header.citations),)
    citations = list(header.citations)
    notes = list(header.notes)
    sections: list[Section] = []
    for spec in SECTIONS:
        part = parts.get(spec.kind.value)
        if part is None:
            sections.append(_template_section(spec.kind))
            continue
        blocks = _blocks(part)
        blocks += (trailer(part.name, blocks_digest(blocks), part.citations),)
        sections.append(Section(spec.title, 2, blocks))
        citations.extend(part.citations)
        notes.extend(part.notes)
    return Draft(Document(front, tuple(sections)), tuple(citations), tuple(notes), facts.figures)


def _blocks(part: Part) -> tuple[Block, ...]:
    """A section part's blocks (a heading or header field has no place in a section)."""
    return tuple(
        b for b in part.blocks if isinstance(b, Paragraph | BulletList | Table | Raw | FrontMatter)
    )


def draft_to_dict(result: Draft, markdown: str) -> dict[str, Any]:
    """The JSON shape of a draft: the Markdown, every citation, the notes and the figures."""
    return {
        "markdown": markdown,
        "citations": [
            {"part": c.part, "text": c.text, "evidence": list(c.keys)} for c in result.citations
        ],
        "notes": list(result.notes),
        "impact": [
            {
                "service": f.service,
                "failed": f.failed,
                "total": f.total,
                "fraction": f.fraction,
                "slo_budget_consumed": f.budget,
                "slo_budget_basis": f.budget_basis or None,
                "users_affected": f.users,
                "covered_seconds": f.covered,
                "window_seconds": f.window,
                "method": f.method,
                "evidence": list(f.ids),
            }
            for f in result.figures
        ],
    }
