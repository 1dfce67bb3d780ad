"""TL: the timeline — exact, sourced, in order, from the cause through detection to resolution."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.core.checks import chrono
from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions, at
from hindsight.core.checks.rules._common import heading_line
from hindsight.core.document.readers import TimelineEntry
from hindsight.core.document.template import SectionKind

_ZONE = re.compile(
    r"\b(?:UTC|GMT|Z|[ECMP][SD]T|CES?T|BST|IST|JST|AEST|AEDT|PST|PDT|EST|EDT|"
    r"UTC[+-]\d{1,2}(?::?\d{2})?|[A-Z][a-z]+/[A-Z][A-Za-z_]+)\b|[+-]\d{2}:\d{2}"
)


def _entries(ctx: Context) -> tuple[TimelineEntry, ...]:
    return ctx.entries


@register
class TimelineTimezone(Rule):
    """The timeline states its time zone.

    What it checks:
    The Timeline section says "All times in <zone>", or every timestamp carries a zone.

    Why it matters:
    Responders, logs and alerts live in different zones; a timeline without one cannot be
    lined up with the evidence, and the gap arithmetic silently goes wrong.

    Example:
    A timeline of bare `14:36 — …` entries.

    Use instead:
    `All times in UTC.` above the entries.
    """

    code = "TL001"
    name = "timeline-timezone"
    summary = "The timeline states no time zone"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        section = ctx.section(SectionKind.TIMELINE)
        entries = _entries(ctx)
        if section is None or not entries:
            return
        zone = ctx.timeline.timezone
        if zone and "<" not in zone:
            return
        timed = [e for e in entries if e.time]
        if timed and all(e.zone for e in timed):
            return
        if any(_ZONE.search(e.raw) for e in entries[:1]):
            return
        yield Finding(
            heading_line(section),
            "the timeline states no time zone",
            suggestion="add 'All times in UTC.' above the entries",
        )


_APPROX = re.compile(
    r"^\W*(?:around|about|approx(?:imately|\.)?|roughly|circa|ca\.|~|≈|sometime|shortly|"
    r"later|earlier|soon|morning|afternoon|evening|night)",
    re.I,
)
_FUZZY = re.compile(r"^\W*(?:\d{1,2}:\d?[xX?]+|[-–—]{1,2}:[-–—]{1,2}|\?{2,}|[xX]{2}:[xX]{2})")


@register
class InexactTimestamp(Rule):
    """Every timeline entry has an exact timestamp.

    What it checks:
    Each entry starts with an exact time (`14:36`, optionally dated). Approximate times
    ("around 14:20", "~14:20"), blurred ones ("14:2x", "--:--", "???") and missing times are
    reported.

    Why it matters:
    "Approximate timelines invite approximate analyses." The minute is in the alert payload,
    the chat log or the deploy log; go and look it up.

    Example:
    `- around 14:20 — someone noticed errors`

    Use instead:
    `- 14:21 — Support escalates ticket #4411 about checkout errors (chat)`
    """

    code = "TL002"
    name = "inexact-timestamp"
    summary = "A timeline entry has no exact timestamp"

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for entry in _entries(ctx):
            if entry.clock is not None or chrono.is_day_line(entry):
                continue  # timed, or a date line that heads the day's entries
            text = entry.raw.strip().lstrip("*_ ")
            if _APPROX.match(text):
                message = f"approximate time: '{text[:40]}'"
            elif _FUZZY.match(text):
                message = f"blurred time: '{text[:40]}'"
            elif entry.time:
                message = f"'{entry.time}' is not a valid time"
            else:
                message = f"entry has no time: '{text[:40]}'"
            yield at(entry.span, message, suggestion="look up the exact minute in the evidence")


@register
class TimelineOrder(Rule):
    """Timeline entries are in chronological order.

    What it checks:
    Each timed entry is no earlier than the one before. Dated entries may cross midnight;
    undated ones may not (date them when the incident spans days).

    Why it matters:
    The timeline is the spine of the document: cause, detection and response are read from
    its order. An entry out of place makes a cause look like an effect.

    Example:
    `- 14:36 — alert fires` followed by `- 14:12 — change rolled out`

    Use instead:
    Sort the entries; write `2026-03-15 00:10` for entries after midnight.
    """

    code = "TL003"
    name = "timeline-order"
    summary = "Timeline entries are out of order"

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        previous: tuple[str, int] | None = None
        previous_zone: str | None = None
        last_date = ""
        headings = _day_headings(ctx)
        for entry in _entries(ctx):
            line = entry.span.start if entry.span else 0
            heading_date = max((h for h in headings if h[0] < line), default=(0, ""))[1]
            last_date = entry.date or max(heading_date, last_date)
            minutes = entry.minutes
            if minutes is None:
                continue
            key = (last_date, minutes)
            zones_differ = bool(entry.zone and previous_zone and entry.zone != previous_zone)
            if previous is not None and key < previous and not zones_differ:
                message = f"'{entry.time}' is earlier than the entry before it"
                if not entry.date and previous[1] - minutes > 12 * 60:
                    message += "; if a new day began, date the entries (YYYY-MM-DD HH:MM)"
                yield at(entry.span, message)
            previous, previous_zone = key, entry.zone or previous_zone


_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _day_headings(ctx: Context) -> list[tuple[int, str]]:
    """(line, date) of subsection headings such as `### 2023-07-20` inside the timeline."""
    out: list[tuple[int, str]] = []
    inside: int | None = None
    for kind, section in zip(ctx.kinds, ctx.document.sections, strict=True):
        if kind is SectionKind.TIMELINE:
            inside = section.level
        elif inside is not None and (kind is not None or section.level <= inside):
            break
        elif inside is not None and section.span:
            found = _ISO_DATE.search(section.heading)
            if found:
                out.append((section.span.start, found.group(0)))
    return out


@register
class TimelineSource(Rule):
    """Every timeline entry names its source.

    What it checks:
    Each entry ends with its source in parentheses: `(alert)`, `(human)`, `(log)`,
    `(deploy)`, `(chat)`…

    Why it matters:
    A timeline is evidence. Naming the source lets a reviewer check the minute and tells
    automation from people in the detection story.

    Example:
    `- 14:36 — HighErrorRate fires`

    Use instead:
    `- 14:36 — HighErrorRate fires for checkout-api (alert)`
    """

    code = "TL004"
    name = "timeline-source"
    summary = "A timeline entry names no source"
    severity = Severity.WARNING

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        entries = _entries(ctx)
        resolved_last = bool(entries) and chrono.is_resolution(entries[-1])
        for index, entry in enumerate(entries):
            if entry.source:
                continue
            if resolved_last and index == len(entries) - 1 and len(entry.text) < 40:
                continue  # a closing "Resolved." needs no source
            yield at(
                entry.span,
                "entry names no source",
                suggestion="end it with '(alert)', '(human)', '(log)', '(deploy)' or '(chat)'",
            )


@register
class NoCauseTimeline(Rule):
    """The timeline includes the cause, not only the response.

    What it checks:
    Some entry precedes the first detection (alert, page, report): the change that shipped,
    the latent condition that became reachable, the threshold that was crossed. A timeline
    that starts at the alert is reported.

    Why it matters:
    "The gap between cause and detection is often the most useful number in the whole
    document" — and it cannot be computed from a response-only timeline.

    Example:
    A timeline whose first entry is `14:36 — HighErrorRate fires (alert)`.

    Use instead:
    Start with `14:12 — Config change rolled out to all checkout-api pods (deploy)`.
    """

    code = "TL005"
    name = "no-cause-timeline"
    summary = "The timeline starts at detection; the cause timeline is missing"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        entries = _entries(ctx)
        if entries and chrono.is_detection(entries[0]):
            yield at(
                entries[0].span,
                "the timeline starts at detection; add when the cause began",
                suggestion="add the change, deploy or latent condition before the first alert",
            )


@register
class NoResolution(Rule):
    """The timeline ends with the resolution.

    What it checks:
    The last timeline entry records the resolution ("Resolved", "restored", "back to
    normal", "mitigated").

    Why it matters:
    Without an end the duration and time-to-resolve cannot be checked, and readers cannot tell
    whether the incident is over.

    Example:
    A timeline whose last entry is `15:11 — Rollback started (deploy)`.

    Use instead:
    `15:30 — Resolved.`
    """

    code = "TL006"
    name = "no-resolution"
    summary = "The timeline does not end with the resolution"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        entries = _entries(ctx)
        if entries and not chrono.is_resolution(entries[-1]):
            yield at(entries[-1].span, "the last entry is not the resolution")


@register
class DetectionGap(Rule):
    """The cause→detection gap can be computed.

    What it checks:
    With a cause entry before the first detection, both have exact times, so the gap from
    cause to detection is computed (reported in the output's metrics, with time to resolve,
    to the second when the entries give seconds). An entry that starts with its milestone
    (`Suspected cause:`, `Detected:`, `Resolved:`, as `hindsight draft` writes them) is that
    milestone. Reported when the times are missing, or when the gap is longer than
    `max-minutes` (0: never).

    Why it matters:
    The detection gap shows how long the system was broken before anyone knew — usually the
    best argument for the detect actions.

    Example:
    `- Earlier that day — config change shipped (deploy)` before `- 14:36 — alert (alert)`.

    Use instead:
    `- 14:12 — Config change rolled out (deploy)`; the gap is then 24 minutes.
    """

    code = "TL007"
    name = "detection-gap"
    summary = "The cause→detection gap cannot be computed"
    severity = Severity.WARNING
    options = (Option("max-minutes", 0, "Report gaps longer than this (0: never)."),)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        entries = _entries(ctx)
        reading = ctx.reading
        if reading.detection is None or reading.cause is None:
            return
        detection = entries[reading.detection]
        start, seen = reading.absolute[reading.cause], reading.absolute[reading.detection]
        if start is None or seen is None:
            yield at(
                detection.span,
                "the cause→detection gap cannot be computed: "
                "the cause or detection entry has no exact time",
            )
            return
        gap = seen - start
        limit = opts.int("max-minutes")
        if limit and gap > limit:
            yield at(detection.span, f"detection came {gap} minutes after the cause (over {limit})")
