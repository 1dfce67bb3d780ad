"""Time-zone names as postmortems write them, and the declarations that set one for a timeline.

The table of names and offsets is `core.document.zones`, shared with the timeline reader.
"""

from __future__ import annotations

import re

from hindsight.core.document.zones import OFFSETS, REGIONAL

__all__ = ["OFFSETS", "declared_zone", "is_zone", "offset_of", "says_approximate"]

_NAMES = {
    "coordinated universal time": "UTC",
    "pacific time": "PT",
    "eastern daylight time": "EDT",
    "eastern standard time": "EST",
    "pacific standard time": "PST",
    "pacific daylight time": "PDT",
    "central european time": "CET",
    "central european summer time": "CEST",
}

ZONE_TOKEN = re.compile(
    r"(?<![\w-])(?:UTC|GMT)(?:\s?[+-]\d{1,2}(?::?\d{2})?)?(?![\w-])|\b[A-Z]{2,5}\b"
)
_NUMERIC = re.compile(r"^(?:UTC|GMT)?\s?(?P<sign>[+-])(?P<h>\d{1,2}):?(?P<m>\d{2})?$")
_DECLARATION = re.compile(
    r"\b(?:all\s+)?times?\b[^.\n]{0,40}?\b(?:in|are|listed|shown|given)\b|"
    r"\(all times|\btimes? in\b|\btime zone\b|\btimezone\b|^\s*\(?all\s+times",
    re.IGNORECASE,
)
_APPROXIMATE = re.compile(r"\bapproximat(?:e|ely|ions?)\b", re.IGNORECASE)


def offset_of(zone: str) -> int | None:
    """Minutes east of UTC for a zone as written, or None when it is not known."""
    name = zone.strip().upper()
    if name in OFFSETS:
        return OFFSETS[name]
    match = _NUMERIC.match(name)
    if match:
        minutes = int(match.group("h")) * 60 + int(match.group("m") or 0)
        return minutes if match.group("sign") == "+" else -minutes
    return None


def is_zone(token: str) -> bool:
    return offset_of(token) is not None or token.upper() in REGIONAL


def declared_zone(text: str) -> str | None:
    """The zone a line like "All times in PST" or "Date and Time in CET" declares."""
    text = re.sub(r"[*_`]", " ", text)
    lowered = text.casefold()
    for name, abbreviation in _NAMES.items():
        if name in lowered and _DECLARATION.search(text):
            return abbreviation
    if not _DECLARATION.search(text):
        return None
    for match in ZONE_TOKEN.finditer(text):
        if is_zone(match.group(0)):
            return match.group(0).replace(" ", "")
    return None


def says_approximate(text: str) -> bool:
    return bool(_DECLARATION.search(text) or "time" in text.casefold()) and bool(
        _APPROXIMATE.search(text)
    )
