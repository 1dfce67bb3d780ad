"""The timeline builder: de-duplicate, merge, collapse storms, find milestones.

`build_timeline` is order-independent (any permutation of its input gives the same timeline)
and idempotent (`build_timeline(t.events) == t`), so importing evidence again, or in another
order, never changes the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from hindsight.core.events import Event
from hindsight.core.timeline.dedupe import dedupe
from hindsight.core.timeline.lanes import Lane
from hindsight.core.timeline.merge import merge
from hindsight.core.timeline.milestones import Milestones, find_milestones
from hindsight.core.timeline.storms import DEFAULT_WINDOW, Entry, collapse


@dataclass(frozen=True)
class Timeline:
    events: tuple[Event, ...]  # the full evidence log: de-duplicated, in order
    entries: tuple[Entry, ...]  # the same with storms collapsed
    milestones: Milestones[Event]

    def lane(self, lane: Lane) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.lane is lane)

    @property
    def cause(self) -> tuple[Entry, ...]:
        return self.lane(Lane.CAUSE)

    @property
    def response(self) -> tuple[Entry, ...]:
        return self.lane(Lane.RESPONSE)


def build_timeline(
    events: Iterable[Event], *, storm_window: dt.timedelta = DEFAULT_WINDOW
) -> Timeline:
    ordered = merge(dedupe(events))
    return Timeline(
        events=tuple(ordered),
        entries=tuple(collapse(ordered, storm_window)),
        milestones=find_milestones(ordered),
    )


def timeline_milestones(events: Iterable[Event]) -> Milestones[Event]:
    """`build_timeline(events).milestones`, without collapsing storms (which the milestones do
    not use): for callers that keep only the milestones, as the server does after every storm
    of deliveries."""
    return find_milestones(timeline_events(events))


def timeline_events(events: Iterable[Event]) -> list[Event]:
    """The evidence log of `events`: de-duplicated and merged into order (no storm collapsing),
    what milestones and the evidence's status are read from."""
    return merge(dedupe(events))
