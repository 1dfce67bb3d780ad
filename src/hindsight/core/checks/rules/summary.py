"""SU: the summary says what broke, who was affected, for how long and how it was fixed."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.core.checks.context import Context, Prose
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions
from hindsight.core.checks.rules._common import heading_line, is_content
from hindsight.core.document.template import SectionKind

_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|approx|inc|ca|cf|no|fig|mr|ms|dr)\.", re.I)
_SENTENCE_END = re.compile(r"[.!?]+(?:[\"”')\]]*)(?=\s+[\"“(\[]?[A-Z0-9]|\s*$)")


def sentences(text: str) -> int:
    """Sentences in prose; abbreviations and decimals do not end one."""
    cleaned = _ABBREVIATIONS.sub("abbr", text)
    cleaned = re.sub(r"(?<=\d)\.(?=\d)", ",", cleaned)
    count = len(_SENTENCE_END.findall(cleaned))
    return count + (1 if cleaned.strip() and not re.search(r"[.!?][\"”')\]]*\s*$", cleaned) else 0)


def _summary(ctx: Context) -> list[Prose]:
    blocks = ctx.section_blocks(SectionKind.SUMMARY)
    if not any(is_content(b) for b in blocks):
        return []
    return list(ctx.prose(SectionKind.SUMMARY))


@register
class SummaryLength(Rule):
    """The summary is two to four sentences.

    What it checks:
    The Summary section has between `min` and `max` sentences (2 and 4 by default).

    Why it matters:
    The summary is the only part most readers read. One sentence cannot say what broke, who
    was affected, for how long and how it was fixed; more than four buries it.

    Example:
    `The API was down.`

    Use instead:
    `From 14:32 to 15:19 UTC checkout-api returned 500s for 18% of requests. About 12,300
    customers could not check out. Rolling back the pool change restored service.`
    """

    code = "SU001"
    name = "summary-length"
    summary = "The summary is not 2–4 sentences"
    severity = Severity.WARNING
    options = (Option("min", 2, "Fewest sentences."), Option("max", 4, "Most sentences."))

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        pieces = _summary(ctx)
        if not pieces:
            return
        count = sum(sentences(p.text) for p in pieces)
        low, high = opts.int("min"), opts.int("max")
        if not low <= count <= high:
            yield Finding(
                pieces[0].line, f"the summary has {count} sentence(s); write {low}–{high}"
            )


_ELEMENTS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "what broke",
        "name the failure, e.g. 'checkout-api returned 500s'",
        re.compile(
            r"\b(?:fail\w*|errors?|outage|down|downtime|unavailab\w*|degrad\w*|broke\w*|crash\w*|"
            r"latency|slow\w*|time[sd]?\s*out|timeouts?|5\d\d|stopped|could\s*n[o']t|unable|lost|"
            r"loss|leak\w*|incorrect\w*|wrong|disrupt\w*|interrupt\w*|exhaust\w*|compromis\w*|"
            r"expos\w*|delay\w*|stuck|corrupt\w*|rejected|blocked|inaccessible|offline|"
            r"not\s+respond\w*|invalid|missing|vulnerab\w*|incident)\b",
            re.I,
        ),
    ),
    (
        "who was affected",
        "say who was affected, e.g. '12,300 customers' or '18% of requests'",
        re.compile(
            r"\b(?:users?|customers?|clients?|requests?|visitors?|developers?|people|accounts?|"
            r"tenants?|merchants?|subscribers?|members?|contributors?|maintainers?|traffic|"
            r"everyone|readers?|consumers?|partners?|organi[sz]ations?|projects?|"
            r"jobs?|builds?|downloads?|uploads?|orders?|payments?|sessions?|pull\s+requests?|"
            r"PRs?|employees?|staff|teams?|sites?|websites?|calls?|queries|transactions?)\b"
            r"|\d%",
            re.I,
        ),
    ),
    (
        "how long",
        "say for how long, e.g. 'for 47 minutes' or 'from 14:32 to 15:19 UTC'",
        re.compile(
            r"\b\d+(?:[.,]\d+)?\s*(?:-\s*\d+\s*)?(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|m|"
            r"days?|weeks?)\b|\b\d{1,2}:\d{2}\b|\b(?:an?|one|two|three|four|five|six|several|"
            r"a\s+few|half\s+an?)\s+(?:hours?|minutes?|days?|weeks?)\b|\bovernight\b",
            re.I,
        ),
    ),
    (
        "how it was fixed",
        "say how it was fixed, e.g. 'rolling back the config restored service'",
        re.compile(
            r"\b(?:roll(?:ed|ing)?\s*back|rollback|revert\w*|restart\w*|fix\w*|resolv\w*|"
            r"restor\w*|mitigat\w*|patch\w*|scal(?:ed|ing)\s+(?:up|out)|fail(?:ed)?\s*over|"
            r"failover|recover\w*|disabl\w*|re-?enabl\w*|remov\w*|redeploy\w*|rotat\w*|"
            r"replac\w*|increas\w*|back\s+to\s+normal|returned\s+to\s+normal|rebuil\w*|"
            r"reboot\w*|flush\w*|clear\w*|revok\w*|reset\w*|switch\w*|deleted|corrected|"
            r"re-?ran|rerun|reprocess\w*|purg\w*|unblock\w*|re-?publish\w*|yank\w*)\b",
            re.I,
        ),
    ),
)


@register
class SummaryMissingElement(Rule):
    """The summary answers the four questions.

    What it checks:
    The summary mentions what broke, who was affected, for how long, and how it was fixed
    (each recognised by typical words; a missing one is reported by name).

    Why it matters:
    "A reader who knows nothing about your system should understand the impact from this
    paragraph alone." Each missing answer sends them digging.

    Example:
    `The database had problems and we fixed it.` (no who, no how long)

    Use instead:
    `From 14:32 to 15:19 UTC checkout-api returned 500s to 12,300 customers. Rolling back the
    connection-pool change restored service.`
    """

    code = "SU002"
    name = "summary-missing-element"
    summary = "The summary does not say what broke, who, how long or the fix"
    severity = Severity.WARNING
    confidence = 0.7
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        pieces = _summary(ctx)
        if not pieces:
            return
        text = "\n".join(p.text for p in pieces)
        for element, hint, pattern in _ELEMENTS:
            if not pattern.search(text):
                yield Finding(
                    pieces[0].line, f"the summary does not say {element}", suggestion=hint
                )


class _SummaryPhrases(Rule):
    pattern: re.Pattern[str]
    what: str
    hint: str

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for piece in _summary(ctx):
            for match in self.pattern.finditer(piece.text):
                line, column = piece.position(match.start())
                yield Finding(
                    line,
                    f"the summary states {self.what} ('{match.group(0)}')",
                    column,
                    suggestion=self.hint,
                )


@register
class SummaryStatesCause(_SummaryPhrases):
    """The summary states no causes.

    What it checks:
    The summary contains no causal phrases: "because", "due to", "caused by", "root cause",
    "as a result of", "triggered by".

    Why it matters:
    The summary is written for readers who stop there; a cause stated in one line is a cause
    they will repeat without the nuance of the root-cause section. "No causes, no action
    items. Save those for the body."

    Example:
    `Checkout failed for 47 minutes because of a bad config change.`

    Use instead:
    `Checkout failed for 47 minutes; rolling back a configuration change restored service.`
    """

    code = "SU003"
    name = "summary-states-cause"
    summary = "The summary states a cause"
    severity = Severity.WARNING
    pattern = re.compile(
        r"\b(?:because|due\s+to|caused\s+by|root[- ]cause\w*|as\s+a\s+result\s+of|"
        r"triggered\s+by|the\s+cause\s+(?:was|is))\b",
        re.I,
    )
    what = "a cause"
    hint = "move the cause to 'Root cause and contributing factors'"


@register
class SummaryStatesActions(_SummaryPhrases):
    """The summary contains no action items.

    What it checks:
    The summary contains no follow-up phrases: "we will", "action item", "going forward",
    "we plan to", "next steps", "to prevent this".

    Why it matters:
    Actions in the summary are untracked promises; the Action items table gives each an owner,
    a type, a due date and a ticket.

    Example:
    `… We will add an alert on connection-wait time.`

    Use instead:
    Put it in the Action items table with a single owner and a tracking link.
    """

    code = "SU004"
    name = "summary-states-actions"
    summary = "The summary contains action items"
    severity = Severity.WARNING
    pattern = re.compile(
        r"\b(?:we\s+will|we['’]ll|action\s+items?|going\s+forward|we\s+plan\s+to|"
        r"we\s+are\s+going\s+to|next\s+steps|to\s+prevent\s+this|in\s+the\s+future,?\s+we)\b",
        re.I,
    )
    what = "an action item"
    hint = "move follow-up work to the Action items table"


def first_line(ctx: Context) -> int:
    return heading_line(ctx.section(SectionKind.SUMMARY))
