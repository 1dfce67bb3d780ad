"""Evidence in, timeline out: merge, de-duplicate, collapse storms, split cause from response,
find the milestones and the detection gap, and render the template's Timeline section."""

from __future__ import annotations

from hindsight.core.timeline.build import Timeline, build_timeline
from hindsight.core.timeline.lanes import Lane, lane_of
from hindsight.core.timeline.milestones import Durations, Milestones, SuspectedCause
from hindsight.core.timeline.render import DOCUMENT_KINDS, RenderSettings, timeline_section
from hindsight.core.timeline.storms import Entry

__all__ = [
    "DOCUMENT_KINDS",
    "Durations",
    "Entry",
    "Lane",
    "Milestones",
    "RenderSettings",
    "SuspectedCause",
    "Timeline",
    "build_timeline",
    "lane_of",
    "timeline_section",
]
