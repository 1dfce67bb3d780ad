"""Dates and durations in the forms postmortems write them.

`2019-11-29`, `2019/11/29`, `02-13-2025` (month first when the day is over 12, ambiguous when
both could be a month), `6th Nov 2023`, `November 6, 2023`, `May 31` (year from a hint),
`Monday, Oct 15`; durations like `1h 17m`, `66 minutes`, `about 3 hours`, `01:06`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    name: index
    for index, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(
    rf"""(?<![\w/-])(?:
        (?P<iy>\d{{4}})[-/](?P<im>\d{{1,2}})[-/](?P<id>\d{{1,2}})(?![\d/])
      | (?P<na>\d{{1,2}})[-/.](?P<nb>\d{{1,2}})[-/.](?P<ny>\d{{4}})(?!\d)
      | (?P<dd>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dm>{_MONTH})\.?(?:,?\s+(?P<dy>\d{{4}}))?
      | (?P<mm>{_MONTH})\.?\s+(?P<md>\d{{1,2}})(?:st|nd|rd|th)?(?![\d:])(?:,?\s+(?P<my>\d{{4}}))?
    )(?![\w])""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class FoundDate:
    """A date in text. `value` is None when the year is missing and no hint was given."""

    value: dt.date | None
    start: int
    end: int
    ambiguous: bool = False
    has_year: bool = True


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_date(text: str, year_hint: int | None = None, *, start: int = 0) -> FoundDate | None:
    """The first date in `text` at or after `start`, in any of the forms above."""
    for match in _DATE.finditer(text, start):
        found = _from_match(match, year_hint)
        if found is not None:
            return found
    return None


def _from_match(match: re.Match[str], year_hint: int | None) -> FoundDate | None:
    groups = match.groupdict()
    ambiguous = False
    has_year = True
    if groups["iy"]:
        value = _make(int(groups["iy"]), int(groups["im"]), int(groups["id"]))
    elif groups["ny"]:
        first, second, year = int(groups["na"]), int(groups["nb"]), int(groups["ny"])
        if first > 12:  # 29-11-2019: day first
            value = _make(year, second, first)
        else:  # 02-13-2025 and, by the US convention, 03-04-2025 (reported as ambiguous)
            value = _make(year, first, second)
            ambiguous = second <= 12 and first != second
    else:
        month = MONTHS[(groups["dm"] or groups["mm"]).casefold()[:3]]
        day = int(groups["dd"] or groups["md"])
        year_text = groups["dy"] or groups["my"]
        has_year = year_text is not None
        known = int(year_text) if year_text else year_hint
        value = _make(known, month, day) if known is not None else None
        if value is None and known is not None:
            return None
    if value is None and has_year:
        return None
    return FoundDate(value, match.start(), match.end(), ambiguous, has_year)


_DURATION_PART = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>d(?:ays?)?|h(?:ours?|rs?)?|m(?:in(?:ute)?s?)?)\b",
    re.IGNORECASE,
)
_HHMM = re.compile(r"^\s*(?P<h>\d{1,3}):(?P<m>[0-5]\d)\s*$")


def parse_duration(text: str) -> float | None:
    """Minutes in "1h 17m", "66 minutes", "about 3 hours", "1 hour and 31 minutes", "01:06"."""
    hhmm = _HHMM.match(text)
    if hhmm:
        return int(hhmm.group("h")) * 60 + int(hhmm.group("m"))
    total = 0.0
    found = False
    for match in _DURATION_PART.finditer(text):
        unit = match.group("unit")[0].lower()
        total += float(match.group("n")) * {"d": 1440, "h": 60, "m": 1}[unit]
        found = True
    return total if found else None


_PROSE_DURATION = re.compile(
    r"\bfor\s+(?:about\s+|around\s+|approximately\s+|roughly\s+|nearly\s+|over\s+)?"
    r"(?P<d>\d+(?:\.\d+)?\s*(?:hours?|hrs?|minutes?|mins?|days?)"
    r"(?:\s*(?:and\s+)?\d+\s*(?:minutes?|mins?))?)",
    re.IGNORECASE,
)


def prose_duration(text: str) -> tuple[float, int] | None:
    """Minutes and offset of "down for 66 minutes", "for about 3 hours" in prose."""
    match = _PROSE_DURATION.search(text)
    if not match:
        return None
    minutes = parse_duration(match.group("d"))
    return (minutes, match.start()) if minutes is not None else None
