"""The milestones of an incident read off its placed timeline.

Cause is the earliest timed row (the guide asks for the cause timeline — the change that
shipped — not only the response); detection the first row that says something alerted,
paged, noticed or reported it; acknowledgement the first response after that; then the
first mitigation and resolution. Keyword tests, so they are a reading, not a fact: the
report says which row each milestone came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hindsight.core.importing.timestamps import TimedEvent

DETECT = re.compile(
    r"\b(?:alert(?:s|ed|ing)?|alarms?|paged?|pager|pages|detect(?:s|ed)?|notic(?:e|es|ed|ing)|"
    r"reported|reports? (?:on|in|to|that|the|an?|issues?|problems?|of)|first (?:recorded|report)|"
    r"warning|sees|informed of|made aware|notifie[sd] (?:the|us|on-?call)|"
    r"observ(?:e|es|ed)|complain(?:s|ed)?|fires?|fired|triggered an? alert|"
    r"receives? an? (?:email|report|page))\b",
    re.IGNORECASE,
)
ACK = re.compile(
    r"\b(?:ack(?:s|ed|nowledg\w*)?|investigat\w*|(?:begins?|starts?|began|started) "
    r"(?:looking|working|troubleshooting)|respond(?:s|ed)?|declar\w*|escalat\w*|"
    r"incident commander|joins?|triag\w*|looks? into|picks? up|engag\w*)\b",
    re.IGNORECASE,
)
MITIGATE = re.compile(
    r"\b(?:mitigat\w*|roll(?:s|ed)? ?back|rollback|revert\w*|fail(?:ed)? ?over|restart\w*|"
    r"disabl\w*|block\w*|hotfix|workaround|paus\w*|scal(?:es|ed|ing) (?:up|down|out)|"
    r"load balanc\w*|drain\w*|banned)\b",
    re.IGNORECASE,
)
RESOLVE = re.compile(
    r"\b(?:resolv\w*|recover\w*|fixed|fix (?:is )?deployed|restored|outage ends|incident ends|"
    r"back to normal|healthy|operational|closed?|repaired|all clear|nominal)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Milestones:
    cause: TimedEvent | None = None
    detected: TimedEvent | None = None
    acknowledged: TimedEvent | None = None
    mitigated: TimedEvent | None = None
    resolved: TimedEvent | None = None

    def minutes(self, start: str, end: str) -> float | None:
        """Minutes from one milestone to another, when both are placed in time."""
        a, b = getattr(self, start), getattr(self, end)
        if a is None or b is None or a.minute is None or b.minute is None:
            return None
        return float(b.minute - a.minute) if b.minute >= a.minute else None


def milestones(events: tuple[TimedEvent, ...]) -> Milestones:
    timed = [e for e in events if e.minute is not None]
    if not timed:
        return Milestones()
    cause = min(timed, key=lambda e: e.minute or 0)
    detected = _first(timed, DETECT, after=cause, strictly=True)
    acknowledged = _first(timed, ACK, after=detected) if detected else None
    mitigated = _first(timed, MITIGATE, after=detected or cause)
    resolved = _first(timed, RESOLVE, after=detected or cause, strictly=True)
    return Milestones(cause, detected, acknowledged, mitigated, resolved)


def _first(
    events: list[TimedEvent], pattern: re.Pattern[str], *, after: TimedEvent | None,
    strictly: bool = False,
) -> TimedEvent | None:  # fmt: skip
    floor = after.minute if after is not None and after.minute is not None else -(10**9)
    for event in events:
        if event is after or event.minute is None:
            continue
        if (event.minute > floor or (not strictly and event.minute == floor)) and pattern.search(
            event.text
        ):
            return event
    return None
