"""How drafted numbers, times and evidence read: one wording, used by every section.

Everything a draft says is built from these helpers, so a number is formatted the same way in
the summary, the impact and the JSON, and a test can compute what the text must contain.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from hindsight.core.events import Event, EventKind
from hindsight.core.incident import alarm_name

# Phrases the summary checks read as a cause or an action item: evidence text carrying one is
# never quoted into the summary (it would smuggle a cause in).
CAUSAL = re.compile(
    r"\b(?:because|due\s+to|caused\s+by|root[- ]cause\w*|as\s+a\s+result\s+of|triggered\s+by|"
    r"the\s+cause\s+(?:was|is)|we\s+will|we['’]ll|action\s+items?|going\s+forward|"
    r"we\s+plan\s+to|next\s+steps|to\s+prevent\s+this)\b",
    re.IGNORECASE,
)


def count(value: float) -> str:
    """A count of things: rounded to a whole number, with thousands separators."""
    return f"{round(value):,}"


def percent(fraction: float) -> str:
    """A fraction as a percentage: one decimal from 0.1% up, two significant digits below."""
    value = fraction * 100
    if value == 0:
        return "0%"
    if abs(value) >= 0.1:
        return f"{value:.1f}%"
    digits = 1 - math.floor(math.log10(abs(value)))
    return f"{value:.{digits}f}%"


def slo(target: float) -> str:
    """0.999 → "99.9%"; as many decimals as the target has."""
    text = f"{target * 100:.6f}".rstrip("0").rstrip(".")
    return f"{text}%"


def hh_mm(delta: dt.timedelta) -> str:
    """The header's `<hh:mm>` duration (whole minutes, rounded down)."""
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def span_words(delta: dt.timedelta) -> str:
    """A duration in words: "47 min 30 s", "2 h 05 min", "40 s"."""
    seconds = int(delta.total_seconds())
    minutes, secs = divmod(abs(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs:02d} s" if secs else f"{minutes} min"
    return f"{secs} s"


def clock(at: dt.datetime, tz: dt.tzinfo, *, dated: bool = False) -> str:
    local = at.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M" if dated else "%H:%M")


def day(at: dt.datetime, tz: dt.tzinfo) -> str:
    return at.astimezone(tz).date().isoformat()


def clause(text: str) -> str:
    """Evidence text as one clause: one line, no sentence break inside, no final stop."""
    text = " ".join(text.split())
    text = re.sub(r"(?<=[^\s.!?])[.!?]+\s+(?=\S)", "; ", text)
    return text.rstrip(" .;:!?")


alert_name = alarm_name  # one home: core.incident


def reporter(event: Event | None) -> str | None:
    """The template's "Reported by" for the first detection: Monitoring when a machine saw it."""
    if event is None:
        return None
    if event.kind is EventKind.ALERT_FIRING:
        return "Monitoring"
    if event.kind is EventKind.PAGE_TRIGGERED and (event.actor is None or event.actor.is_bot):
        return "Monitoring"
    return None


def person_key(name: str) -> str:
    """ "Priya Raman", "priya-raman" and "priya.raman@example.com" are one person."""
    local = name.split("@", 1)[0]
    return " ".join(re.split(r"[\s._\-]+", local.casefold())).strip()


def join_names(names: list[str]) -> str:
    return ", ".join(names)
