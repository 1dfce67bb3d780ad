"""RC: one specific root cause and at least one contributing factor."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions, at
from hindsight.core.checks.rules._common import has_content, heading_line
from hindsight.core.document.template import SectionKind, contains_placeholder


def _filled(ctx: Context) -> bool:
    return has_content(ctx.section_blocks(SectionKind.ROOT_CAUSE))


@register
class RootCauseMissing(Rule):
    """A root cause is stated.

    What it checks:
    The root-cause section states a root cause, not only a list of contributing factors.

    Why it matters:
    "The root cause is the thing that, if it hadn't happened, the incident wouldn't have
    occurred." Without it, the prevent actions have nothing to aim at.

    Example:
    `## Root cause and contributing factors` holding only `Contributing factors: …`.

    Use instead:
    `Root cause: a config change reduced the per-pod pool maximum from 100 to 10. …`
    """

    code = "RC001"
    name = "root-cause-missing"
    summary = "No root cause is stated"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        section = ctx.section(SectionKind.ROOT_CAUSE)
        if section is None or not _filled(ctx):
            return
        statement = ctx.root_cause.statement
        if not statement or contains_placeholder(statement):
            yield Finding(heading_line(section), "the section states no root cause")


_VAGUE = re.compile(
    r"\b(?:bad|wrong|broken|faulty|incorrect|invalid|buggy)\s+(?:config\w*|deploy\w*|code|change|"
    r"push|release|commit|update|data|input|query|settings?)\b|\bhuman\s+error\b|"
    r"\b(?:operator|user|pilot)\s+error\b|\bmisconfigur\w*\b|\ba\s+bug\b|"
    r"\b(?:network|dns|infra\w*)\s+(?:issues?|problems?|glitch\w*)\b|"
    r"\b(?:software|hardware)\s+(?:bugs?|issues?|failures?)\b|\bglitch\b|\bunknown\b",
    re.IGNORECASE,
)


@register
class VagueRootCause(Rule):
    """The root cause is specific.

    What it checks:
    A short root cause (under `max-words` words) built on a vague phrase — "bad config",
    "bad deploy", "human error", "misconfiguration", "a bug", "network issue" — or one under
    `min-words` words at all.

    Why it matters:
    "Bad: 'Root cause: deploy went out with a bad config.'" A vague cause produces vague
    actions; a specific one names the mechanism you can guard against.

    Example:
    `Root cause: deploy went out with a bad config.`

    Use instead:
    `Root cause: a config change to the database connection pool reduced the per-pod max from
    100 to 10. At peak traffic this exhausted the pool, returning 500s.`
    """

    code = "RC002"
    name = "vague-root-cause"
    summary = "The root cause is vague"
    severity = Severity.WARNING
    confidence = 0.8
    options = (
        Option("max-words", 20, "A vague phrase is reported in statements shorter than this."),
        Option("min-words", 6, "Statements shorter than this are reported regardless."),
    )

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        statement = ctx.root_cause.statement
        if not statement or contains_placeholder(statement):
            return
        words = len(statement.split())
        vague = _VAGUE.search(statement)
        span = ctx.root_cause.span
        if vague and words < opts.int("max-words"):
            yield at(
                span,
                f"the root cause is vague ('{vague.group(0)}'); name the mechanism",
                suggestion="say what changed, what it did, and why nothing caught it",
            )
        elif words < opts.int("min-words"):
            yield at(span, f"the root cause is {words} word(s); name the mechanism")


@register
class NoContributingFactors(Rule):
    """At least one contributing factor is listed.

    What it checks:
    The root-cause section lists contributing factors (`min-factors`, default 1), under a
    "Contributing factors" label or as a list after the root cause.

    Why it matters:
    "Most outages have one root cause and several contributing factors" — what made the
    impact worse or recovery harder. They are where the detect and mitigate actions come from.

    Example:
    A root cause paragraph and nothing else.

    Use instead:
    `Contributing factors:` followed by a numbered list.
    """

    code = "RC003"
    name = "no-contributing-factors"
    summary = "No contributing factor is listed"
    completeness = True
    options = (Option("min-factors", 1, "Fewest contributing factors."),)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        section = ctx.section(SectionKind.ROOT_CAUSE)
        if section is None or not _filled(ctx):
            return
        factors = [f for f in ctx.root_cause.factors if not contains_placeholder(f.text)]
        least = opts.int("min-factors")
        if len(factors) < least:
            yield Finding(
                heading_line(section),
                f"{len(factors)} contributing factor(s); list at least {least}",
                suggestion="add 'Contributing factors:': what made impact worse or recovery harder",
            )
