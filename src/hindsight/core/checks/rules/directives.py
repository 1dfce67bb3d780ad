"""LN: the lint directives themselves — suppressions that name nothing or suppress nothing."""

from __future__ import annotations

from collections.abc import Iterator

from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Rule, RuleOptions
from hindsight.core.checks.suppress import directives


@register
class UnusedSuppression(Rule):
    """A suppression comment suppresses something.

    What it checks:
    Each `<!-- hindsight: disable=… -->` or `ignore=…` comment suppressed at least one finding.
    The runner reports this after the other rules ran.

    Why it matters:
    A stale suppression silently hides the next real finding in its range; removing it keeps
    suppressions meaningful.

    Example:
    `<!-- hindsight: disable=BL001 -->` above text with no blame vocabulary.

    Use instead:
    Delete the comment.
    """

    code = "LN001"
    name = "unused-suppression"
    summary = "A suppression comment suppresses nothing"
    severity = Severity.WARNING
    runner_reported = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        return iter(())  # reported by the runner, which sees every other rule's findings


@register
class UnknownSuppression(Rule):
    """A suppression comment names real rules.

    What it checks:
    Every selector in a `<!-- hindsight: … -->` comment is a rule code, a rule name, a family
    or ALL.

    Why it matters:
    A typo in a suppression ("BL01") suppresses nothing and hides that the finding it meant
    to silence is still reported.

    Example:
    `<!-- hindsight: disable=blame-words -->`

    Use instead:
    `<!-- hindsight: disable=blame-language -->` (see `hindsight rules`).
    """

    code = "LN002"
    name = "unknown-suppression"
    summary = "A suppression comment names no rule"
    severity = Severity.WARNING

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for directive in directives(ctx.document):
            if directive.codes is None:
                yield Finding(
                    directive.line,
                    f"'{directive.selector}' names no rule",
                    suggestion="use a code, name or family from `hindsight rules`",
                )
