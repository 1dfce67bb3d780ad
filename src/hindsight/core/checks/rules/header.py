"""ST: header values — allowed Status, Severity and Reported by; real dates and durations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from hindsight.core.checks import chrono
from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions, at
from hindsight.core.document.model import HeaderField
from hindsight.core.document.template import (
    REPORTERS,
    SEVERITIES,
    STATUSES,
    contains_placeholder,
    is_placeholder,
)


def _filled(item: HeaderField | None) -> bool:
    return item is not None and bool(item.value.strip()) and not is_placeholder(item.value)


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_]+", "", re.sub(r"\([^)]*\)", "", text)).casefold()


class _AllowedValue(Rule):
    key: str
    allowed: tuple[str, ...]

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        item = ctx.field(self.key)
        if item is None or not _filled(item):
            return
        if _compact(item.value) not in {_compact(a) for a in self.allowed}:
            choices = ", ".join(self.allowed)
            yield at(
                item.span,
                f"{self.key} '{item.value}' is not one of: {choices}",
                suggestion=f"choose one of: {choices}",
            )


@register
class InvalidStatus(_AllowedValue):
    """Status is Draft, In review or Published.

    What it checks:
    The Status header field holds exactly one of the template's values.

    Why it matters:
    The status decides how strict the other checks are, and drives the review queue; "WIP" or
    the untouched "Draft / In review / Published" says nothing.

    Example:
    `**Status:** Done`

    Use instead:
    `**Status:** Published`
    """

    code = "ST006"
    name = "invalid-status"
    summary = "Status is not Draft, In review or Published"
    key = "Status"
    allowed = STATUSES


@register
class InvalidSeverity(_AllowedValue):
    """Severity is SEV-1, SEV-2 or SEV-3.

    What it checks:
    The Severity header field holds one of the template's levels.

    Why it matters:
    Severity is how incidents are compared and counted; free text cannot be.

    Example:
    `**Severity:** high`

    Use instead:
    `**Severity:** SEV-2`
    """

    code = "ST007"
    name = "invalid-severity"
    summary = "Severity is not SEV-1, SEV-2 or SEV-3"
    key = "Severity"
    allowed = SEVERITIES


@register
class InvalidReporter(_AllowedValue):
    """Reported by is Team member, Monitoring, Support or Customer.

    What it checks:
    The Reported by header field holds one of the template's values.

    Why it matters:
    Who noticed first is the detection story in one word; counted across incidents it shows
    how often customers find outages before monitoring does.

    Example:
    `**Reported by:** Alice`

    Use instead:
    `**Reported by:** Team member`
    """

    code = "ST008"
    name = "invalid-reported-by"
    summary = "Reported by is not one of the template's values"
    key = "Reported by"
    allowed = REPORTERS


@register
class InvalidDate(Rule):
    """Date of incident is a real date written YYYY-MM-DD.

    What it checks:
    The Date of incident header field starts with an ISO date that exists on the calendar.

    Why it matters:
    Dates are sorted, compared with action-item due dates and grouped into months; only a
    real ISO date can be.

    Example:
    `**Date of incident:** March 14th` or `2026-02-30`

    Use instead:
    `**Date of incident:** 2026-03-14`
    """

    code = "ST009"
    name = "invalid-date"
    summary = "Date of incident is not a real YYYY-MM-DD date"

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        item = ctx.field("Date of incident")
        if item is None or not _filled(item):
            return
        token = item.value.strip().split()[0] if item.value.strip() else ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", token):
            yield at(item.span, f"date '{item.value}' is not written YYYY-MM-DD")
            return
        try:
            dt.date.fromisoformat(token)
        except ValueError:
            yield at(item.span, f"date '{token}' does not exist")


_DURATION = re.compile(r"^(\d{1,3}):([0-5]\d)$")
_WORDS = re.compile(
    r"^(?:(\d+)\s*(?:h|hrs?|hours?))?\s*(?:(\d+)\s*(?:m|mins?|minutes?))?$", re.IGNORECASE
)


def duration_minutes(text: str) -> int | None:
    match = _DURATION.match(text.strip())
    return int(match.group(1)) * 60 + int(match.group(2)) if match else None


@register
class InvalidDuration(Rule):
    """Duration is written hh:mm.

    What it checks:
    The Duration header field is hours and minutes as `hh:mm` (minutes below 60).

    Why it matters:
    Durations are summed and compared across incidents (time to resolve); "about an hour"
    cannot be.

    Example:
    `**Duration:** 47 minutes`

    Use instead:
    `**Duration:** 00:47`
    """

    code = "ST010"
    name = "invalid-duration"
    summary = "Duration is not written hh:mm"

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        item = ctx.field("Duration")
        if item is None or not _filled(item) or duration_minutes(item.value) is not None:
            return
        words = _WORDS.match(item.value.strip())
        suggestion = None
        if words and (words.group(1) or words.group(2)):
            total = int(words.group(1) or 0) * 60 + int(words.group(2) or 0)
            suggestion = f"{total // 60:02d}:{total % 60:02d}"
        yield at(item.span, f"duration '{item.value}' is not hh:mm", suggestion=suggestion)


@register
class DurationMismatch(Rule):
    """Duration agrees with the timeline.

    What it checks:
    The Duration is no longer than the whole timeline and no shorter than the time from the
    first detection to the resolution (both within a tolerance).

    Why it matters:
    A duration that disagrees with the evidence means one of the two is wrong, and the
    duration is the number everyone quotes.

    Example:
    `**Duration:** 03:00` with a timeline from 14:32 to 15:19.

    Use instead:
    `**Duration:** 00:47`, measured from the timeline.
    """

    code = "ST011"
    name = "duration-mismatch"
    summary = "Duration disagrees with the timeline"
    severity = Severity.WARNING
    options = (Option("tolerance-minutes", 15, "Allowed difference in minutes."),)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        item = ctx.field("Duration")
        stated = duration_minutes(item.value) if item else None
        if item is None or stated is None:
            return
        entries = ctx.timeline.entries
        reading = chrono.read(entries)
        times = [m for m in reading.absolute if m is not None]
        if len(times) < 2:
            return
        tolerance = opts.int("tolerance-minutes")
        span = max(times) - min(times)
        if stated > span + tolerance:
            yield at(item.span, f"duration {item.value} is longer than the timeline ({span} min)")
            return
        start = reading.absolute[reading.detection] if reading.detection is not None else None
        end = reading.absolute[reading.resolution] if reading.resolution is not None else None
        if start is not None and end is not None and stated < end - start - tolerance:
            yield at(
                item.span,
                f"duration {item.value} is shorter than detection→resolution ({end - start} min)",
            )


_URL = re.compile(r"https?://\S+|<https?://[^>]+>|\]\(https?://[^)]+\)")
_ISSUE = re.compile(r"(?<![\w/])#\d+\b|\b[A-Z][A-Z0-9]+-\d+\b")
_CHANNEL = re.compile(r"(?:^|\s)#[a-z0-9][a-z0-9_-]+\b")
_NONE = re.compile(r"^\s*(?:n/?a|none|not\s+applicable|no\s+\w+(?:\s+\w+)?|-|—)\s*\.?$", re.I)


@register
class LinkNotUrl(Rule):
    """Link fields hold links.

    What it checks:
    Slack link, Status page and Issue tracker are URLs (the Issue tracker may be an issue
    reference such as REL-412, the Slack link a #channel), or say "n/a".

    Why it matters:
    The links are how a reader gets from the postmortem to the evidence and the follow-up
    work; "see Slack" is not a link.

    Example:
    `**Status page:** posted on the status page`

    Use instead:
    `**Status page:** https://status.example.com/incidents/kx7p2`
    """

    code = "ST013"
    name = "link-not-url"
    summary = "A link field does not hold a URL"

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for key in ("Slack link", "Status page", "Issue tracker"):
            item = ctx.field(key)
            if item is None or not _filled(item) or contains_placeholder(item.value):
                continue
            value = item.value
            ok = bool(_URL.search(value) or _NONE.match(value))
            ok = ok or (key == "Issue tracker" and bool(_ISSUE.search(value)))
            ok = ok or (key == "Slack link" and bool(_CHANNEL.search(value)))
            if not ok:
                yield at(item.span, f"{key} '{value}' is not a URL", suggestion="paste the link")
