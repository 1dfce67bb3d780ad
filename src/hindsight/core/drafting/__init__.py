"""Drafting: a postmortem pre-filled from the timeline and monitor data, every statement
citing its evidence.

result = draft(build_timeline(events), metrics, DraftSettings(tz=..., tz_name=...))
render(result.document)            # Markdown with provenance comments
result.provenance()                # (part, text) → evidence keys
refresh(current_document, result)  # re-draft without touching what people edited
"""

from hindsight.core.drafting.draft import Draft, draft, draft_to_dict
from hindsight.core.drafting.facts import DraftSettings
from hindsight.core.drafting.impact import ImpactFigures, Series, ServiceMetrics, figures
from hindsight.core.drafting.provenance import (
    Citation,
    Trailer,
    read_provenance,
    strip_provenance,
)

__all__ = [
    "Citation",
    "Draft",
    "DraftSettings",
    "ImpactFigures",
    "Series",
    "ServiceMetrics",
    "Trailer",
    "draft",
    "draft_to_dict",
    "figures",
    "read_provenance",
    "strip_provenance",
]
