"""Action items as work someone owns: their status and its transitions, how a postmortem's
rows are matched to the records they were saved as, tracker references, the marker that finds
an issue again, when an item is overdue, and completion figures. Pure: no I/O."""

from hindsight.core.actions.status import (
    STATUSES,
    ActionStatus,
    StatusChange,
    parse_status,
    transition,
)
from hindsight.core.actions.tracking import TrackerRef, parse_tracking

__all__ = [
    "STATUSES",
    "ActionStatus",
    "StatusChange",
    "TrackerRef",
    "parse_status",
    "parse_tracking",
    "transition",
]
