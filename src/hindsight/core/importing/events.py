"""The milestones of an incident read off its placed timeline, as the core's `Milestones`.

Cause is the earliest timed row (the guide asks for the cause timeline — the change that
shipped — not only the response); detection the first row that says something alerted,
paged, noticed or reported it; acknowledgement the first response after that; then the
first mitigation and resolution. A row labelled with its milestone ("Detected: …") is that
milestone. The words are the shared vocabulary (`core.figures.words`), so they are a
reading, not a fact: the report says which row each milestone came from. The durations are
the core's (`core.figures.durations_of`); the impact window runs from the cause row.
"""

from __future__ import annotations

import datetime as dt
import re

from hindsight.core.figures import Milestones, Placed
from hindsight.core.figures import words as vocabulary
from hindsight.core.figures.milestones import AXIS_ORIGIN
from hindsight.core.importing.timestamps import TimedEvent

# The shared vocabulary, under the names this module has always exported.
DETECT = vocabulary.DETECTION
ACK = vocabulary.ACKNOWLEDGEMENT
MITIGATE = vocabulary.MITIGATION
RESOLVE = vocabulary.RESOLUTION

Mark = Placed[TimedEvent]


def milestones(events: tuple[TimedEvent, ...]) -> Milestones[Mark]:
    timed = [_placed(e) for e in events if e.minute is not None]
    if not timed:
        return Milestones()
    cause = _labelled(timed, "cause") or min(timed, key=lambda e: e.row.minute or 0)
    detected = _labelled(timed, "detection") or _first(timed, DETECT, after=cause, strictly=True)
    acknowledged = _labelled(timed, "acknowledgement") or (
        _first(timed, ACK, after=detected) if detected else None
    )
    mitigated = _labelled(timed, "mitigation") or _first(timed, MITIGATE, after=detected or cause)
    resolved = _labelled(timed, "resolution") or _first(
        timed, RESOLVE, after=detected or cause, strictly=True
    )
    return Milestones(
        cause=cause,
        impact_start=cause,
        first_detection=detected,
        acknowledged=acknowledged,
        mitigated=mitigated,
        resolved=resolved,
    )


def _placed(event: TimedEvent) -> Mark:
    """The row at its instant; an undated row on the undated axis, by its UTC minute."""
    if event.at is not None:
        return Placed(event, event.at)
    seconds = event.clock[2] if event.clock else 0
    return Placed(event, AXIS_ORIGIN + dt.timedelta(minutes=event.minute or 0, seconds=seconds))


def _labelled(events: list[Mark], milestone: str) -> Mark | None:
    return next((e for e in events if vocabulary.milestone_label(e.row.text) == milestone), None)


def _first(
    events: list[Mark], pattern: re.Pattern[str], *, after: Mark | None, strictly: bool = False
) -> Mark | None:
    floor = after.row.minute if after is not None and after.row.minute is not None else -(10**9)
    for event in events:
        minute = event.row.minute
        if event is after or minute is None:
            continue
        if (minute > floor or (not strictly and minute == floor)) and pattern.search(
            event.row.text
        ):
            return event
    return None
