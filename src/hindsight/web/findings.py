"""The live checks panel: lint findings grouped by the section they are in, each with the
rule's explanation and the suggested rewrite."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from hindsight.core.checks import Diagnostic, LintOptions, LintResult, get_rule, lint
from hindsight.core.document import Document, parse

HEADER = "Header"


@dataclass(frozen=True)
class Explained:
    diagnostic: Diagnostic
    why: str
    instead: str

    def to_dict(self) -> dict[str, Any]:
        d = self.diagnostic
        return {
            "code": d.code,
            "name": d.name,
            "severity": d.severity.value,
            "message": d.message,
            "line": d.line,
            "column": d.column,
            "suggestion": d.suggestion,
            "why": self.why,
            "instead": self.instead,
        }


@dataclass(frozen=True)
class Checked:
    """One lint run, ready for the panel."""

    result: LintResult
    groups: tuple[tuple[str, tuple[Explained, ...]], ...]  # (section heading, findings)

    @property
    def total(self) -> int:
        return len(self.result.diagnostics)

    def counts(self) -> dict[str, int]:
        return {k.value: v for k, v in self.result.counts().items()}

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "counts": self.counts(),
            "status": self.result.status,
            "groups": [
                {"section": name, "findings": [f.to_dict() for f in found]}
                for name, found in self.groups
            ],
        }


@cache
def explanation(code: str) -> tuple[str, str]:
    """(Why it matters, Use instead) from the rule's own docstring."""
    rule = get_rule(code)
    if rule is None:
        return ("", "")
    sections = rule.doc_sections()
    return (sections.get("Why it matters", ""), sections.get("Use instead", ""))


def section_of(document: Document, line: int) -> str:
    """The heading of the section `line` falls in ("Header" before the first section)."""
    found = HEADER
    for section in document.sections:
        if section.span is not None and section.span.start <= line:
            found = section.heading
        elif section.span is not None:
            break
    return found


def check(markdown: str, options: LintOptions) -> Checked:
    document = parse(markdown)
    result = lint(document, options)
    groups: dict[str, list[Explained]] = {}
    for diagnostic in result.diagnostics:
        why, instead = explanation(diagnostic.code)
        groups.setdefault(section_of(document, diagnostic.line), []).append(
            Explained(diagnostic, why, instead)
        )
    return Checked(result, tuple((name, tuple(found)) for name, found in groups.items()))
