"""One set of figures: the milestones of an incident and the durations between them.

The timeline reads them from evidence (`Milestones[Event]`), the linter and the importer from
a document's timeline rows (`Milestones[Placed[row]]`), the store keeps their instants
(`Milestones[Instant]`); every one of them gets its durations from the same function
(`durations_of`), so the same incident gives the same numbers wherever it is looked at.
"""

from hindsight.core.figures.kinds import (
    ACK_KIND,
    CHANGE_KINDS,
    DETECTION_KINDS,
    MITIGATION_KIND,
    RESOLUTION_KINDS,
)
from hindsight.core.figures.milestones import (
    Durations,
    Instant,
    Milestones,
    Placed,
    SuspectedCause,
    Timed,
    durations_of,
    whole_minutes,
)

__all__ = [
    "ACK_KIND",
    "CHANGE_KINDS",
    "DETECTION_KINDS",
    "MITIGATION_KIND",
    "RESOLUTION_KINDS",
    "Durations",
    "Instant",
    "Milestones",
    "Placed",
    "SuspectedCause",
    "Timed",
    "durations_of",
    "whole_minutes",
]
