"""IM: the impact is measured — counts, fractions and budget, or an explicit "not measurable"."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.readings import impact_value
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Rule, RuleOptions, at
from hindsight.core.checks.rules._common import NOT_APPLICABLE, heading_line
from hindsight.core.document.readers import ImpactField
from hindsight.core.document.template import IMPACT_FIELDS, SectionKind, is_placeholder


def _filled(value: str) -> bool:
    return bool(value.strip()) and not is_placeholder(value)


@register
class ImpactFieldMissing(Rule):
    """Every impact field is filled in, or explicitly "not measurable".

    What it checks:
    The Impact section lists Users affected, Requests failed / degraded, Revenue impact, SLO
    budget consumed and Other systems affected, each with a value.

    Why it matters:
    Impact is what decides how much the fix is worth. Leaving a field out hides whether it was
    measured and found zero, or never measured; "not measurable" says which.

    Example:
    `The site was slow for a while.` with no fields.

    Use instead:
    `- **Revenue impact (if known):** not measurable`
    """

    code = "IM001"
    name = "impact-field-missing"
    summary = "An impact field is missing or empty"
    completeness = True

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        section = ctx.section(SectionKind.IMPACT)
        if section is None:
            return
        found = {f.spec.key: f for f in ctx.impact if f.spec is not None}
        missing = [spec.key for spec in IMPACT_FIELDS if spec.key not in found]
        line = heading_line(section)
        if len(missing) == len(IMPACT_FIELDS):
            names = ", ".join(missing)
            yield Finding(line, f"the impact has none of the template's fields ({names})")
        else:
            for key in missing:
                yield Finding(line, f"impact field '{key}' is missing")
        for key, item in found.items():
            if not item.value.strip():
                yield at(item.span, f"impact field '{key}' is empty; write 'not measurable'")


_COUNT = re.compile(r"\d")
_FRACTION = re.compile(
    r"\d\s*%|\bof\s+(?:the\s+)?(?:~\s*)?\d|\d\s*/\s*\d|\bout\s+of\b|\b1\s+in\s+\d"
)
_PERCENT = re.compile(r"\d\s*%|\bpercent\b", re.I)


class _ImpactValue(Rule):
    key: str

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        item = impact_value(ctx.impact, self.key)
        if item is None or not _filled(item.value) or NOT_APPLICABLE.match(item.value):
            return
        problem = self.problem(item)
        if problem:
            yield at(item.span, problem)

    def problem(self, item: ImpactField) -> str | None:
        raise NotImplementedError


@register
class RequestsNotFraction(_ImpactValue):
    """Failed requests are a count and a fraction of the total.

    What it checks:
    The Requests failed / degraded value holds a number and a fraction of the total
    (a percentage, "of N" or "N/M").

    Why it matters:
    "40,000 failed requests" is a disaster at 50,000 requests and noise at 50 million; the
    fraction is what makes the count mean something.

    Example:
    `- **Requests failed / degraded:** a lot of checkout requests`

    Use instead:
    `- **Requests failed / degraded:** 32,346 of 205,425 checkout requests (15.7%)`
    """

    code = "IM002"
    name = "requests-not-fraction"
    summary = "Failed requests are not a count and a fraction"
    severity = Severity.WARNING
    key = "Requests failed / degraded"

    def problem(self, item: ImpactField) -> str | None:
        if not _COUNT.search(item.value):
            return "failed requests give no count; write 'N of M requests (x%)'"
        if not _FRACTION.search(item.value):
            return "failed requests give no fraction of the total; add 'of M (x%)'"
        return None


@register
class SloBudgetNotPercent(_ImpactValue):
    """The SLO budget consumed is a percentage.

    What it checks:
    The SLO budget consumed value holds a percentage (or "not measurable" / "no SLO").

    Why it matters:
    Budget burned is how a team decides between shipping features and fixing reliability; it
    only works as a share of the budget.

    Example:
    `- **SLO budget consumed:** a big chunk`

    Use instead:
    `- **SLO budget consumed:** 16.6% of the monthly 99.9% availability budget`
    """

    code = "IM003"
    name = "slo-budget-not-percent"
    summary = "The SLO budget consumed is not a percentage"
    severity = Severity.WARNING
    key = "SLO budget consumed"

    def problem(self, item: ImpactField) -> str | None:
        if not _PERCENT.search(item.value):
            return "SLO budget consumed is not a percentage of the budget"
        return None


@register
class UsersNotQuantified(_ImpactValue):
    """Users affected is a number or a percentage.

    What it checks:
    The Users affected value holds a number or a percentage (or "not measurable").

    Why it matters:
    "Many users" cannot be compared with the next incident; a number can, even a rough one.

    Example:
    `- **Users affected:** lots`

    Use instead:
    `- **Users affected:** 12,300 customers (9% of active customers)`
    """

    code = "IM005"
    name = "users-not-quantified"
    summary = "Users affected is not a number or percentage"
    severity = Severity.WARNING
    key = "Users affected"

    def problem(self, item: ImpactField) -> str | None:
        return None if _COUNT.search(item.value) else "users affected gives no number"


_APPROXIMATE = re.compile(
    r"^[^\d]*?(?:~|≈|\babout\b|\bapprox(?:imately|\.)?|\broughly\b|\baround\b|\bcirca\b|"
    r"\bestimated\b|\bsome\b|\bnearly\b|\balmost\b|\bup\s+to\b|\bmore\s+than\b|\bover\b|"
    r"\bat\s+least\b|\bless\s+than\b|\bunder\b)[^\d]{0,20}\d",
    re.I,
)


@register
class ApproximateFigure(Rule):
    """Impact figures are exact where they can be.

    What it checks:
    An impact value whose headline figure is approximate ("~", "about", "roughly",
    "more than") is reported for information.

    Why it matters:
    An estimate is fine when nothing better exists, but often the exact number is one query
    away. Reviewers should know which figures are measured.

    Example:
    `- **Users affected:** ~12k`

    Use instead:
    `- **Users affected:** 12,300 customers (from the checkout logs)`
    """

    code = "IM004"
    name = "approximate-figure"
    summary = "An impact figure is approximate"
    severity = Severity.INFO
    confidence = 0.8

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for item in ctx.impact:
            if item.spec is not None and _APPROXIMATE.search(item.value):
                yield at(item.span, f"'{item.spec.key}' is approximate: '{item.value}'")
