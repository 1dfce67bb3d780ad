"""Postmortem checks: the blameless method as rules with codes, severities and explanations.

from hindsight.core.checks import lint, LintOptions
result = lint(parse(text), LintOptions(select=("BL", "AC")))
for d in result.diagnostics: print(d.line, d.code, d.message)
"""

from hindsight.core.checks.diagnostic import Diagnostic, Metric, Severity
from hindsight.core.checks.options import LintOptions, build_options
from hindsight.core.checks.registry import all_rules, get_rule, resolve
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions
from hindsight.core.checks.runner import LintResult, lint
from hindsight.core.checks.vocab import Term

__all__ = [
    "Diagnostic",
    "Finding",
    "LintOptions",
    "LintResult",
    "Metric",
    "Option",
    "Rule",
    "RuleOptions",
    "Severity",
    "Term",
    "all_rules",
    "build_options",
    "get_rule",
    "lint",
    "resolve",
]
