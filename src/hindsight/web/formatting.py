"""Small display helpers for the templates: instants, durations, links that are safe to follow."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from hindsight.core.timeline.render import format_duration

SAFE_SCHEMES = frozenset({"http", "https"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def instant(at: dt.datetime | None) -> str:
    if at is None:
        return "—"
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def clock(at: dt.datetime | None) -> str:
    if at is None:
        return "—"
    return at.astimezone(dt.UTC).strftime("%H:%M:%S")


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return format_duration(dt.timedelta(seconds=value))


def safe_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) link, else None: evidence may carry
    `javascript:` or `data:` links, and those are never made clickable."""
    if not url:
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    if _CONTROL.search(text):
        return None
    return text
