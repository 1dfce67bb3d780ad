"""The milestones of an incident read off its placed timeline, as the core's `Milestones`.

Read as the linter reads them, so a document's figures are the same in `hindsight lint` and
`hindsight analyze`: a row labelled with its milestone ("Detected: …") is that milestone;
detection is the first row after the first that reads as one (its source tag, "(alert)" or
"(deploy)", first, then its words, "no alerts" excluded); the cause is the last change before
the detection, else the earliest row (the guide asks for the cause timeline — the change that
shipped — not only the response); then the first acknowledgement, mitigation and resolution.
The words are the shared vocabulary (`core.figures.words`), so they are a reading, not a
fact: the report says which row each milestone came from. The durations are the core's
(`core.figures.durations_of`); the impact window runs from the first row.
"""

from __future__ import annotations

import datetime as dt
import re

from hindsight.core.document.readers import parse_timeline_line
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
    start = min(timed, key=lambda e: e.row.minute or 0)
    detected = _labelled(timed, "detection") or _first_detection(timed, after=start)
    cause = _labelled(timed, "cause") or _last_change(timed, before=detected) or start
    acknowledged = _labelled(timed, "acknowledgement") or (
        _first(timed, ACK, after=detected) if detected else None
    )
    mitigated = _labelled(timed, "mitigation") or _first(timed, MITIGATE, after=detected or cause)
    resolved = _labelled(timed, "resolution") or _first(
        timed, RESOLVE, after=detected or cause, strictly=True
    )
    return Milestones(
        cause=cause,
        impact_start=start,
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


def _last_change(events: list[Mark], *, before: Mark | None) -> Mark | None:
    """The last row before the detection that reads as a change (what the linter takes as
    the cause, so a document's gap reads the same in `lint` and `analyze`)."""
    if before is None or before.row.minute is None:
        return None
    changes = [
        e
        for e in events
        if e.row.minute is not None
        and e.row.minute < before.row.minute
        and vocabulary.reads_as_change(*_text_and_source(e))
    ]
    return changes[-1] if changes else None


def _first_detection(events: list[Mark], *, after: Mark) -> Mark | None:
    """The first row after `after` that reads as a detection the way the linter reads one:
    its source tag ("(alert)", "(deploy)") first, then its words, "no alerts" excluded."""
    floor = after.row.minute if after.row.minute is not None else -(10**9)
    for event in events:
        minute = event.row.minute
        if event is after or minute is None or minute <= floor:
            continue
        if vocabulary.reads_as_detection(*_text_and_source(event)):
            return event
    return None


def _text_and_source(event: Mark) -> tuple[str, str | None]:
    row = parse_timeline_line(event.row.text)  # the text after the stamp: "… (deploy)"
    return row.text, row.source


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
