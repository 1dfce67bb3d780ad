"""Timeline timestamps as teams write them, and placing a run of rows on real instants.

A row starts with its stamp in one of many forms: `14:51`, `2:54 PM PST:`, `[13:20]`,
`` `07:35` ``, `**21:17 UTC: …**`, `13:14 EDT (17:14 UTC):`, `2019-11-29 12:00 |`,
`11:10 6th Nov 2023 -`, `02-13-2025 11:00 pm -`, colon-less `1625`, or unknown `--:--` and
`[???]`. `place` then walks the rows in order: undated rows take the date of the row (or date
heading) before them, roll into the next day when the clock jumps back by hours, and every
guess or inconsistency becomes a finding.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.importing import findings as f
from hindsight.core.importing.dates import find_date
from hindsight.core.importing.findings import ImportFinding, Level
from hindsight.core.importing.zones import is_zone, offset_of

_LEAD = re.compile(r"^[\s*_`\[(>]*")
_TIME = re.compile(
    r"""(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?:\.\d+)?
    (?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?)(?![A-Za-z]))?
    (?:\s*(?P<zone>Z|(?:UTC|GMT)(?:\s?[+-]\d{1,2}(?::?\d{2})?)?|[A-Z]{2,5}|[+-]\d{2}:?\d{2})(?![\w]))?""",
    re.VERBOSE,
)
_COLONLESS = re.compile(
    r"(?P<hm>[0-2]\d[0-5]\d)(?:\s*(?P<zone>Z|UTC|GMT|[A-Z]{3,4}))?(?=\s*(?:[—–:|,\]]|-\s|h\b|hrs\b))"
)
_UNKNOWN = re.compile(r"(?:--|\?\?|xx|XX):(?:--|\?\?|xx|XX)|\?{2,}|\bTBD\b|\bunknown\b")
_TAIL = re.compile(r"[\s*_`\])]*(?:[—–|:,]+|-(?=\s))?[\s*_`]*")


_LABELLED = re.compile(r"[\s*_]*(?P<label>[A-Za-z][A-Za-z ]{1,30}?)[*_]*:?[*_]*\s+(?=\d)")


@dataclass(frozen=True)
class Stamp:
    """A timestamp at the start of a row, as read. `clock` is None when unknown or invalid."""

    date: dt.date | None
    clock: tuple[int, int, int] | None
    zone: str | None
    unknown: bool = False
    invalid: str | None = None  # why the written time cannot exist
    ambiguous_date: bool = False
    date_only: bool = False
    end: int = 0  # where the row's text starts
    label: str | None = None  # "First detected" in "First detected: 2023-07-21 08:15"


def _clock(match: re.Match[str]) -> tuple[tuple[int, int, int] | None, str | None]:
    hour, minute = int(match.group("h")), int(match.group("m"))
    second = int(match.group("s") or 0)
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    written = match.group(0).strip()
    if minute > 59 or second > 59:
        return None, f"{written!r} is not a time of day"
    if ampm:
        if not 1 <= hour <= 12:
            return None, f"{written!r} mixes a 24-hour clock with AM/PM"
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23:
        return None, f"{written!r} is not a time of day"
    return (hour, minute, second), None


def read_stamp(line: str, year_hint: int | None = None) -> Stamp | None:
    """The timestamp a timeline row starts with, or None when the row has none."""
    stamp = _read_stamp(line, year_hint)
    if stamp is not None:
        return stamp
    # Key-event records put a short label first: "First detected: 2021-11-05 9:29".
    labelled = _LABELLED.match(line)
    if labelled and len(labelled.group("label").split()) <= 4:
        stamp = _read_stamp(line[labelled.end() :], year_hint)
        if stamp is not None and stamp.date is not None and stamp.clock is not None:
            label = labelled.group("label").strip()
            return Stamp(stamp.date, stamp.clock, stamp.zone, label=label, end=len(line))
    return None


def _read_stamp(line: str, year_hint: int | None) -> Stamp | None:
    position = _LEAD.match(line)
    start = position.end() if position else 0
    date = find_date(line, year_hint, start=start)
    date_value: dt.date | None = None
    ambiguous = False
    dated = False
    if date is not None and date.start <= start + 1:
        date_value, ambiguous, dated = date.value, date.ambiguous, True
        start = date.end
        start += len(line[start:]) - len(line[start:].lstrip(" ,T`*"))
    unknown = _UNKNOWN.match(line, start)
    if unknown:
        return Stamp(
            date_value, None, None, True, None, ambiguous, False, _after(line, unknown.end())
        )
    time = _TIME.match(line, start)
    zone: str | None = None
    if time:
        clock, invalid = _clock(time)
        zone = time.group("zone")
        end = time.end()
        if zone and not is_zone(zone):
            zone, end = None, time.start("zone")  # "14:51 News …" is not a zone
        end = _after(line, end)
        if not dated:  # "11:10 6th Nov 2023 - …": the date after the time
            later = find_date(line, year_hint, start=end)
            if later is not None and later.start <= end + 1:
                date_value, ambiguous = later.value, later.ambiguous
                end = _after(line, later.end)
        return Stamp(date_value, clock, zone, False, invalid, ambiguous, False, end)
    colonless = _COLONLESS.match(line, start)
    if colonless and not dated:
        hour, minute = int(colonless.group("hm")[:2]), int(colonless.group("hm")[2:])
        if hour < 24:
            zone = colonless.group("zone")
            zone = zone if zone and is_zone(zone) else None
            return Stamp(None, (hour, minute, 0), zone, end=_after(line, colonless.end()))
    if dated:
        return Stamp(date_value, None, None, False, None, ambiguous, True, _after(line, start))
    return None


def _after(line: str, index: int) -> int:
    tail = _TAIL.match(line, index)
    return tail.end() if tail else index


@dataclass(frozen=True)
class Row:
    """One candidate timeline row: its text, source line, and the date heading above it."""

    text: str
    line: int | None
    date: dt.date | None = None  # from a date heading or date line before it


@dataclass(frozen=True)
class TimedEvent:
    """A timeline row placed in time.

    `minute` counts minutes from midnight UTC of the incident's first day (so rows can be
    compared and subtracted even when no date is known); `at` is the absolute instant when a
    date is known. Both are None for unknown or invalid times.
    """

    text: str
    line: int | None
    clock: tuple[int, int, int] | None
    zone: str | None
    minute: int | None
    at: dt.datetime | None
    day: int = 0  # days after the first row's day
    date: dt.date | None = None  # the local date, as the author would say it

    @property
    def hour_utc(self) -> int | None:
        return None if self.minute is None else (self.minute // 60) % 24


ROLL_THRESHOLD_MINUTES = 6 * 60  # a jump back this large reads as the next day


def place(
    rows: Sequence[Row],
    *,
    zone: str | None,
    base_date: dt.date | None,
    year_hint: int | None = None,
) -> tuple[tuple[TimedEvent, ...], tuple[ImportFinding, ...]]:
    """Put rows on instants; every assumption and inconsistency is a finding."""
    found: list[ImportFinding] = []
    events: list[TimedEvent] = []
    current = base_date
    first_date: dt.date | None = None
    day = 0
    previous: int | None = None  # minute of the last placed row
    zone_missing_reported = False
    unknown_zones: set[str] = set()
    for row in rows:
        stamp = read_stamp(row.text, year_hint)
        if stamp is None:
            continue
        text = stamp.label or row.text[stamp.end :].strip()
        if row.date is not None and stamp.date is None and row.date != current:
            current, previous = row.date, None
        if stamp.ambiguous_date:
            found.append(
                _warn(
                    f.AMBIGUOUS_DATE,
                    "the date could be month-day or day-month; read as month-day",
                    row.line,
                )
            )
        if stamp.date is not None and current is not None and stamp.date < current:
            found.append(
                _warn(f.OUT_OF_ORDER, "this row is dated before the one above it", row.line)
            )
        if stamp.date is not None:
            if current is not None and stamp.date != current:
                previous = None if stamp.date > current else previous
            current = stamp.date
        if first_date is None and current is not None:
            first_date = current
        day = (current - first_date).days if current and first_date else day
        if stamp.date_only:
            continue
        if stamp.unknown:
            found.append(_info(f.UNKNOWN_TIME, "the time of this row is not known", row.line))
            events.append(TimedEvent(text, row.line, None, None, None, None, day))
            continue
        if stamp.invalid or stamp.clock is None:
            found.append(_warn(f.INVALID_TIME, stamp.invalid or "not a time of day", row.line))
            events.append(TimedEvent(text, row.line, None, stamp.zone, None, None, day))
            continue
        row_zone = stamp.zone or zone
        offset = offset_of(row_zone) if row_zone else 0
        if row_zone is None and not zone_missing_reported:
            zone_missing_reported = True
            found.append(
                _warn(f.NO_ZONE, "the timeline gives no time zone; times read as UTC", row.line)
            )
        if row_zone is not None and offset is None:
            if row_zone not in unknown_zones:
                unknown_zones.add(row_zone)
                found.append(
                    _warn(
                        f.UNKNOWN_ZONE,
                        f"unknown time zone {row_zone!r}; times read as UTC",
                        row.line,
                    )
                )
            offset = 0
        hour, minute, _ = stamp.clock
        local = day * 1440 + hour * 60 + minute
        if previous is not None and local < previous and stamp.date is None:
            if previous - local >= ROLL_THRESHOLD_MINUTES:
                day += 1
                local += 1440
                if current is not None:
                    current += dt.timedelta(days=1)
                found.append(
                    _info(f.MIDNIGHT, "the clock goes back; read as the next day", row.line)
                )
            else:
                found.append(
                    _warn(f.OUT_OF_ORDER, "this row is earlier than the one before it", row.line)
                )
        elif previous is not None and local < previous:
            found.append(
                _warn(f.OUT_OF_ORDER, "this row is earlier than the one before it", row.line)
            )
        previous = local if previous is None else max(previous, local)
        utc_minute = local - (offset or 0)
        at = None
        if first_date is not None:
            midnight = dt.datetime.combine(first_date, dt.time(), tzinfo=dt.UTC)
            at = midnight + dt.timedelta(minutes=utc_minute, seconds=stamp.clock[2])
        events.append(
            TimedEvent(text, row.line, stamp.clock, row_zone, utc_minute, at, day, current)
        )
    if events and first_date is None and any(e.minute is not None for e in events):
        found.append(
            _warn(f.NO_DATE, "the timeline has times but no date to place them on", events[0].line)
        )
    return tuple(events), tuple(found)


def _warn(code: str, message: str, line: int | None) -> ImportFinding:
    return ImportFinding(code, message, line, Level.WARNING)


def _info(code: str, message: str, line: int | None) -> ImportFinding:
    return ImportFinding(code, message, line, Level.INFO)
