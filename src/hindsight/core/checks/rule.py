"""The rule contract: metadata on the class, `check` yields findings for one document.

A rule's docstring has four sections, *What it checks*, *Why it matters*, *Example* and
*Use instead*; `hindsight rules explain`, the generated docs and SARIF `rules[]` read them.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from hindsight.core.checks.diagnostic import Severity
from hindsight.core.document.model import Span

if TYPE_CHECKING:
    from hindsight.core.checks.context import Context

OptionValue = int | float | str | bool | tuple[str, ...]

FAMILIES: dict[str, str] = {
    "ST": "Structure",
    "SU": "Summary",
    "IM": "Impact",
    "TL": "Timeline",
    "RC": "Root cause",
    "WH": "Five whys",
    "AC": "Action items",
    "BL": "Blameless language",
    "GW": "Went well",
    "LN": "Lint directives",
}
DOC_SECTIONS = ("What it checks", "Why it matters", "Example", "Use instead")
CODE = re.compile(r"^[A-Z]{2}\d{3}$")
NAME = re.compile(r"^[a-z]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Option:
    """A rule setting: kebab-case name, default (its type is the option's type), help."""

    name: str
    default: OptionValue
    help: str

    @property
    def type_name(self) -> str:
        if isinstance(self.default, bool):
            return "boolean"
        if isinstance(self.default, int):
            return "integer"
        if isinstance(self.default, float):
            return "number"
        if isinstance(self.default, str):
            return "string"
        return "list of strings"


@dataclass(frozen=True)
class Finding:
    """What `check` yields; the runner adds code, name and the effective severity."""

    line: int
    message: str
    column: int = 1
    end_line: int | None = None
    suggestion: str | None = None
    confidence: float | None = None  # None: the rule's own confidence


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    severity: ClassVar[Severity] = Severity.ERROR
    confidence: ClassVar[float] = 1.0
    # True when the rule reports missing content: a Draft gets a warning instead of an error.
    completeness: ClassVar[bool] = False
    options: ClassVar[tuple[Option, ...]] = ()
    # True for rules whose findings the runner itself produces (unused suppressions).
    runner_reported: ClassVar[bool] = False
    # True when `hindsight lint --fix` resolves the rule's findings without changing meaning.
    fixable: ClassVar[bool] = False

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        raise NotImplementedError

    @classmethod
    def family(cls) -> str:
        return cls.code[:2]

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        return parse_doc(inspect.getdoc(cls) or "")


def parse_doc(doc: str) -> dict[str, str]:
    """Split a rule docstring into its titled sections ("What it checks:" … ) by title."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in doc.splitlines():
        title = line.strip().rstrip(":")
        if line.strip().endswith(":") and title in DOC_SECTIONS:
            current = sections.setdefault(title, [])
        elif current is not None:
            current.append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


class RuleOptions:
    """A rule's option values: defaults overlaid with the user's validated settings."""

    def __init__(self, specs: tuple[Option, ...], values: Mapping[str, OptionValue]) -> None:
        self._values = {spec.name: values.get(spec.name, spec.default) for spec in specs}

    def _get(self, name: str) -> OptionValue:
        return self._values[name]

    def int(self, name: str) -> int:
        value = self._get(name)
        assert isinstance(value, int)
        return value

    def float(self, name: str) -> float:
        value = self._get(name)
        assert isinstance(value, int | float)
        return float(value)

    def string(self, name: str) -> str:
        value = self._get(name)
        assert isinstance(value, str)
        return value

    def strings(self, name: str) -> tuple[str, ...]:
        value = self._get(name)
        assert isinstance(value, tuple)
        return value


def at(
    span: Span | None,
    message: str,
    *,
    suggestion: str | None = None,
    confidence: float | None = None,
) -> Finding:
    """A finding at the start of `span` (line 1 when the element has no span)."""
    line = span.start if span else 1
    end = span.end if span and span.end != span.start else None
    return Finding(line, message, 1, end, suggestion, confidence)
