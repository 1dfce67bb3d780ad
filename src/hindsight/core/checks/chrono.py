"""Reading the timeline as time: absolute minutes, the cause, the detection and the resolution.

Shared by the timeline rules, the Duration check and the cause→detection gap metric.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hindsight.core.checks.diagnostic import Metric
from hindsight.core.checks.text import words
from hindsight.core.document.readers import TimelineEntry

# Sources (the "(alert)" at the end of an entry) that mean someone or something noticed.
DETECT_SOURCES = frozenset(
    words(
        """
    alert alerts alerting page pager pagerduty opsgenie monitoring customer customers
    support report ticket synthetic uptime
    """
    )
)
CAUSE_SOURCES = frozenset(
    ["deploy", "deployment", "change", "git", "github", "ci", "cd", "release", "commit", "config"]
)
_DETECT = re.compile(
    r"\b(?:alert(?:ed|s)?\s+(?:fire|fired|fires|firing|triggered|trigger)|alert\b|alerted|"
    r"fir(?:es|ed|ing)\b|paged|pages\b|paging|noticed|notices|reported|reports\b|detected|"
    r"detects|pinged|spotted|flagged|complain\w*|incident\s+(?:declared|opened|created))",
    re.IGNORECASE,
)
_NEGATED_DETECT = re.compile(r"\b(?:no|without|not|never)\s+(?:\w+\s+)?(?:alerts?|pages?)\b", re.I)
_CHANGE = re.compile(
    r"\b(?:deploy(?:ed|s|ment)?|roll(?:ed|s)?[- ]?out|rollout|ship(?:ped|s)?|merg(?:ed|es)|"
    r"releas(?:ed|es)|chang(?:ed|e|es)|upgrad(?:ed|es?)|migrat(?:ed|ion)|push(?:ed)?|"
    r"commit(?:ted)?|introduc(?:ed|es)|enabled|disabled|expir(?:ed|es)|crossed|latent|"
    r"applied|updated|config(?:uration)?)\b",
    re.IGNORECASE,
)
_RESOLVED = re.compile(
    r"\b(?:resolved|resolves|resolution|recovered|recovers|restored|mitigated|back\s+to\s+normal|"
    r"all[- ]clear|closed|fixed|healthy|returned\s+to\s+normal|incident\s+(?:ended|over)|"
    r"back\s+(?:up|online)|stable|normal\s+operation|incident\s+(?:ends?|closed?)|close[sd]?|"
    r"once\s+again|nominal|operational|usual\s+rate)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Reading:
    """The timeline's landmarks, as indexes into its entries (None when not found)."""

    absolute: tuple[int | None, ...]  # minutes from the first timed entry's day
    detection: int | None
    cause: int | None
    resolution: int | None


def source_class(entry: TimelineEntry) -> str | None:
    words = set(re.findall(r"[a-z]+", (entry.source or "").casefold()))
    if words & DETECT_SOURCES:
        return "detect"
    if words & CAUSE_SOURCES:
        return "cause"
    return None


def is_detection(entry: TimelineEntry) -> bool:
    kind = source_class(entry)
    if kind is not None:
        return kind == "detect"
    return bool(_DETECT.search(entry.text)) and not _NEGATED_DETECT.search(entry.text)


def is_change(entry: TimelineEntry) -> bool:
    return source_class(entry) == "cause" or bool(_CHANGE.search(entry.text))


def is_day_line(entry: TimelineEntry) -> bool:
    return bool(entry.date) and not entry.time and not entry.text


def is_resolution(entry: TimelineEntry) -> bool:
    return bool(_RESOLVED.search(entry.text))


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
    detection = next((i for i, e in enumerate(entries) if is_detection(e)), None)
    cause: int | None = None
    if detection:
        # A bare date line heads the day's entries; it is neither cause nor detection.
        before = [i for i in range(detection) if not is_day_line(entries[i])]
        changes = [i for i in before if is_change(entries[i])]
        cause = changes[-1] if changes else (before[0] if before else None)
    resolution = len(entries) - 1 if entries and is_resolution(entries[-1]) else None
    return Reading(absolute_minutes(entries), detection, cause, resolution)


def metrics(entries: tuple[TimelineEntry, ...]) -> list[Metric]:
    """The cause→detection gap and the time to resolve, when the timeline allows them."""
    reading = read(entries)
    if reading.detection is None or reading.cause is None:
        return []
    cause, detection = entries[reading.cause], entries[reading.detection]
    start, seen = reading.absolute[reading.cause], reading.absolute[reading.detection]
    if start is None or seen is None:
        return []
    line = cause.span.start if cause.span else None
    out = [
        Metric("detection_gap", seen - start, "minutes", line, f"{cause.time} → {detection.time}")
    ]
    end = reading.absolute[reading.resolution] if reading.resolution is not None else None
    if end is not None:
        last = entries[reading.resolution or 0]
        out.append(
            Metric(
                "time_to_resolve", end - seen, "minutes", line, f"{detection.time} → {last.time}"
            )
        )
    return out
