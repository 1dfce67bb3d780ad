"""Storm collapse: 500 repeats of one alert become one entry with a count.

Events of a repeating kind (alerts firing and resolving, notifications) about the same
subject are folded into one entry while each repeat comes within `window` of the previous
one; a longer quiet spell starts a new entry. Everything else is one entry per event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.events import Event, EventKind
from hindsight.core.timeline.lanes import Lane, lane_of

STORM_KINDS = frozenset(
    {EventKind.ALERT_FIRING, EventKind.ALERT_RESOLVED, EventKind.NOTIFICATION_SENT}
)
DEFAULT_WINDOW = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: an event, or the first of `count` repeats up to `until`."""

    event: Event
    count: int = 1
    until: dt.datetime | None = None  # the last repeat's instant, when count > 1

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ValueError("an entry stands for at least one event")
        if (self.count > 1) != (self.until is not None):
            raise ValueError("`until` is set exactly when the entry has repeats")

    @property
    def lane(self) -> Lane:
        return lane_of(self.event)


def collapse(events: Sequence[Event], window: dt.timedelta = DEFAULT_WINDOW) -> list[Entry]:
    """Entries for `events` (already merged into order)."""
    # Parallel lists instead of rebuilding frozen entries on every repeat: a storm is
    # millions of events, and this loop is most of the builder's time.
    firsts: list[Event] = []
    counts: list[int] = []
    lasts: list[dt.datetime] = []
    open_storms: dict[tuple[EventKind, str], int] = {}
    find = open_storms.get
    storm_kinds = STORM_KINDS
    for event in events:
        at = event.at
        if event.kind in storm_kinds and event.subject is not None:
            group = (event.kind, event.subject)
            index = find(group)
            if index is not None and at - lasts[index] <= window:
                counts[index] += 1
                lasts[index] = at
                continue
            open_storms[group] = len(firsts)
        firsts.append(event)
        counts.append(1)
        lasts.append(at)
    return [
        Entry(first, count, last if count > 1 else None)
        for first, count, last in zip(firsts, counts, lasts, strict=True)
    ]
