"""`lint(document, options)`: run the selected rules, apply suppressions, sort the findings."""

from __future__ import annotations

from dataclasses import dataclass

from hindsight.core.checks import chrono, suppress
from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Diagnostic, Metric, Severity
from hindsight.core.checks.options import LintOptions
from hindsight.core.checks.registry import get_rule
from hindsight.core.checks.rule import Rule
from hindsight.core.document.model import Document

DEFAULT_OPTIONS = LintOptions()


@dataclass(frozen=True)
class LintResult:
    diagnostics: tuple[Diagnostic, ...]
    metrics: tuple[Metric, ...] = ()
    status: str | None = None  # the document's Status, normalised ("draft", "published"…)

    def counts(self) -> dict[Severity, int]:
        out = dict.fromkeys(Severity, 0)
        for diagnostic in self.diagnostics:
            out[diagnostic.severity] += 1
        return out

    def fails(self, threshold: Severity | None) -> bool:
        """True when a finding is at or above `threshold` (None: never)."""
        if threshold is None:
            return False
        return any(d.severity.rank >= threshold.rank for d in self.diagnostics)


def lint(document: Document, options: LintOptions | None = None) -> LintResult:
    """Check `document` against the selected rules. Pure: the same input, the same result."""
    options = options or DEFAULT_OPTIONS
    ctx = Context(document, options)
    found: list[Diagnostic] = []
    for rule in options.rules:
        if rule.runner_reported:
            continue
        severity = _severity(rule, options, ctx)
        rule_options = options.options_of(rule)
        for finding in rule().check(ctx, rule_options):
            confidence = finding.confidence if finding.confidence is not None else rule.confidence
            if confidence < options.min_confidence:
                continue
            found.append(
                Diagnostic(
                    rule.code,
                    rule.name,
                    finding.message,
                    severity,
                    max(1, finding.line),
                    max(1, finding.column),
                    finding.end_line,
                    confidence,
                    finding.suggestion,
                )
            )
    kept, unused = suppress.apply(document, found)
    reporter = get_rule("LN001")
    if reporter is not None and reporter in options.rules:
        severity = options.severity_of(reporter)
        for directive in unused:
            kept.append(
                Diagnostic(
                    reporter.code,
                    reporter.name,
                    f"'{directive.kind}={directive.selector}' suppresses nothing",
                    severity,
                    directive.line,
                    suggestion="remove the comment",
                )
            )
    kept.sort(key=lambda d: d.sort_key)
    return LintResult(tuple(kept), tuple(chrono.metrics_of(ctx.reading)), ctx.status)


def _severity(rule: type[Rule], options: LintOptions, ctx: Context) -> Severity:
    """The configured severity; a Draft's missing content is a warning, not an error."""
    if rule.code in options.severity:
        return options.severity[rule.code]
    if rule.completeness and rule.severity is Severity.ERROR and not ctx.must_be_complete:
        return Severity.WARNING
    return rule.severity
