"""Reading the timeline as time: absolute minutes, the cause, the detection and the resolution.

Shared by the timeline rules, the Duration check and the figures (the cause→detection gap and
detection→resolution). A row labelled with its milestone ("Detected: …", as `hindsight draft`
writes them) is that milestone; otherwise the shared vocabulary (`core.figures.words`) reads
it. The figures come from the core's one computation (`core.figures.durations_of`) over the
rows placed on instants, to the second when the rows give seconds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hindsight.core.checks.diagnostic import Metric
from hindsight.core.document.readers import TimelineEntry
from hindsight.core.figures import Milestones, Placed, whole_minutes
from hindsight.core.figures import words as vocabulary
from hindsight.core.figures.milestones import AXIS_ORIGIN

Row = Placed[TimelineEntry]


@dataclass(frozen=True)
class Reading:
    """The timeline's landmarks, as indexes into its entries (None when not found)."""

    absolute: tuple[int | None, ...]  # minutes from the first timed entry's day
    detection: int | None
    cause: int | None
    resolution: int | None
    milestones: Milestones[Row]  # the landmarks placed on instants


def source_class(entry: TimelineEntry) -> str | None:
    return vocabulary.source_class(entry.source)


def is_detection(entry: TimelineEntry) -> bool:
    return vocabulary.reads_as_detection(entry.text, entry.source)


def is_change(entry: TimelineEntry) -> bool:
    return vocabulary.reads_as_change(entry.text, entry.source)


def is_day_line(entry: TimelineEntry) -> bool:
    return bool(entry.date) and not entry.time and not entry.text


def is_resolution(entry: TimelineEntry) -> bool:
    return vocabulary.reads_as_resolution(entry.text)


def absolute_minutes(entries: tuple[TimelineEntry, ...]) -> tuple[int | None, ...]:
    """Minutes since the first dated day; undated entries that go back in time roll over."""
    out: list[int | None] = []
    first_day: dt.date | None = None
    day = 0
    previous: int | None = None
    for entry in entries:
        date = _date(entry.date)
        if date is not None:  # a dated entry, or a date line heading the entries below it
            first_day = first_day or date
            day = (date - first_day).days
        minutes = entry.minutes
        if minutes is None:
            out.append(None)
            continue
        if date is not None:
            pass
        elif previous is not None and day * 1440 + minutes < previous - 12 * 60:
            day += 1  # undated and more than 12 hours back: past midnight
        value = day * 1440 + minutes
        out.append(value)
        previous = value
    return tuple(out)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read(entries: tuple[TimelineEntry, ...]) -> Reading:
    labels = [vocabulary.milestone_label(e.text) for e in entries]

    def labelled(milestone: str) -> int | None:
        return next((i for i, label in enumerate(labels) if label == milestone), None)

    detection = labelled("detection")
    if detection is None:
        detection = next((i for i, e in enumerate(entries) if is_detection(e)), None)
    cause = labelled("cause")
    if cause is None and detection:
        # A bare date line heads the day's entries; it is neither cause nor detection.
        before = [i for i in range(detection) if not is_day_line(entries[i])]
        changes = [i for i in before if is_change(entries[i])]
        cause = changes[-1] if changes else (before[0] if before else None)
    resolution = labelled("resolution")
    if resolution is None and entries and is_resolution(entries[-1]):
        resolution = len(entries) - 1
    after = detection if detection is not None else len(entries)
    acknowledged = labelled("acknowledgement")
    if acknowledged is None:
        acknowledged = _first(entries, vocabulary.ACKNOWLEDGEMENT, after + 1)
    mitigated = labelled("mitigation")
    if mitigated is None:
        mitigated = _first(entries, vocabulary.MITIGATION, after + 1)
    absolute = absolute_minutes(entries)
    placed = _placed(entries, absolute)

    def row(index: int | None) -> Row | None:
        return placed[index] if index is not None else None

    milestones = Milestones(
        cause=row(cause),
        first_detection=row(detection),
        acknowledged=row(acknowledged),
        mitigated=row(mitigated),
        resolved=row(resolution),
    )
    return Reading(absolute, detection, cause, resolution, milestones)


def _first(entries: tuple[TimelineEntry, ...], words: re.Pattern[str], start: int) -> int | None:
    return next((i for i in range(start, len(entries)) if words.search(entries[i].text)), None)


def _placed(
    entries: tuple[TimelineEntry, ...], absolute: tuple[int | None, ...]
) -> tuple[Row | None, ...]:
    """Each timed row on an instant: its day and minute as `absolute_minutes` reads them, and
    its second when the row gives one."""
    first = next((d for d in (_date(e.date) for e in entries) if d is not None), None)
    origin = AXIS_ORIGIN if first is None else dt.datetime.combine(first, dt.time(), dt.UTC)
    out: list[Row | None] = []
    for entry, minutes in zip(entries, absolute, strict=True):
        if minutes is None or entry.clock is None:
            out.append(None)
            continue
        at = origin + dt.timedelta(minutes=minutes, seconds=entry.clock[2])
        out.append(Placed(entry, at))
    return tuple(out)


def metrics(entries: tuple[TimelineEntry, ...]) -> list[Metric]:
    """The cause→detection gap and the time to resolve, when the timeline allows them: whole
    minutes of the core's durations, the same figures the evidence's timeline reports."""
    return metrics_of(read(entries))


def metrics_of(reading: Reading) -> list[Metric]:
    marks = reading.milestones
    cause, detection = marks.cause, marks.first_detection
    if cause is None or detection is None:
        return []
    spans = marks.durations
    gap = whole_minutes(spans.detection_gap)
    if gap is None:
        return []
    line = cause.row.span.start if cause.row.span else None
    detail = f"{cause.row.time} → {detection.row.time}"
    out = [Metric("detection_gap", gap, "minutes", line, detail)]
    resolve = whole_minutes(spans.detection_to_resolution)
    if resolve is not None and marks.resolved is not None:
        detail = f"{detection.row.time} → {marks.resolved.row.time}"
        out.append(Metric("time_to_resolve", resolve, "minutes", line, detail))
    return out
