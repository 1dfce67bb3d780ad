"""GW: what went well is written down, not skipped."""

from __future__ import annotations

from collections.abc import Iterator

from hindsight.core.checks.context import Context
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Rule, RuleOptions
from hindsight.core.checks.rules._common import has_content, heading_line
from hindsight.core.document.template import SectionKind


@register
class WentWellEmpty(Rule):
    """ "What went well" is not empty.

    What it checks:
    The What went well section holds at least one item beyond the template's guidance.

    Why it matters:
    "Things to keep doing. Easy to skip; resist." The defences that worked are what keeps the
    next incident small; unrecorded, they are the first thing a refactor removes.

    Example:
    `## What went well` followed only by `Things to keep doing. Easy to skip; resist.`

    Use instead:
    `- The on-call engineer acknowledged within 3 minutes of the first page.`
    """

    code = "GW001"
    name = "went-well-empty"
    summary = "What went well is empty"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        section = ctx.section(SectionKind.WENT_WELL)
        if section is not None and not has_content(ctx.section_blocks(SectionKind.WENT_WELL)):
            yield Finding(heading_line(section), "'What went well' is empty; write what worked")
