"""An incident's chat channel, found by its name: teams name them by convention
(`inc-2026-03-14-checkout`), so a channel whose name carries a date and a service belongs to
the incident of that service opened that day.

Pure: the caller gives the names and the candidate incidents; nothing here reads a store.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_PATTERN = "inc-{date}-{service}"


@dataclass(frozen=True)
class ChannelName:
    day: dt.date
    service: str  # the name's service part, e.g. "checkout"


@dataclass(frozen=True)
class Candidate:
    """An incident as the convention sees it."""

    id: int
    opened: dt.date
    services: tuple[str, ...]


def _regex(pattern: str) -> re.Pattern[str]:
    parts = re.split(r"(\{date\}|\{service\})", pattern)
    out = []
    for part in parts:
        if part == "{date}":
            out.append(r"(?P<date>\d{4}-?\d{2}-?\d{2})")
        elif part == "{service}":
            out.append(r"(?P<service>[a-z0-9][a-z0-9_-]*)")
        else:
            out.append(re.escape(part))
    return re.compile("^" + "".join(out) + "$")


def read_channel_name(name: str, pattern: str = DEFAULT_PATTERN) -> ChannelName | None:
    """The date and service a channel's name carries under `pattern`, or None."""
    found = _regex(pattern).match(name.strip().lstrip("#").lower())
    if found is None:
        return None
    digits = found.group("date").replace("-", "")
    try:
        day = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return ChannelName(day, found.group("service"))


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def incident_for(channel: ChannelName, candidates: Sequence[Candidate]) -> int | None:
    """The one incident opened on the channel's day with a service the name names (equal, or
    the name is the service's first words: `checkout` → `checkout-api`); None if none or if
    several fit (a guess is worse than asking)."""
    hint = _slug(channel.service)
    fits = [
        c.id
        for c in candidates
        if c.opened == channel.day
        and any((s := _slug(x)) == hint or s.startswith(hint + "-") for x in c.services)
    ]
    return fits[0] if len(fits) == 1 else None


def channel_key(channel_id: str) -> str:
    """The correlation key a channel's live messages carry (the Slack source's subject)."""
    return f"slack:{channel_id}"


def is_channel_id(value: str) -> bool:
    return re.fullmatch(r"[CG][A-Z0-9]{6,}", value) is not None


def channel_from_link(link: str) -> str | None:
    """The channel id in a Slack link (`https://team.slack.com/archives/C07INC0314`)."""
    found = re.search(r"/archives/([CG][A-Z0-9]{6,})", link)
    return found.group(1) if found else None
