"""What the language server knows about one text: findings, fixes, suppressions, completions.

Plain values in, plain values out (0-based lines as LSP counts them where noted), so the same
functions serve the server and the tests, and the findings are the CLI's for the same text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hindsight.core.checks import LintOptions, LintResult, lint
from hindsight.core.checks.fixes import fix
from hindsight.core.document import parse
from hindsight.core.document.action_items import column_roles
from hindsight.core.document.model import Document, Span, Table
from hindsight.core.document.template import (
    ACTION_TYPES,
    REPORTERS,
    SEVERITIES,
    STATUSES,
    SectionKind,
    field_spec,
)

CODE_WORD = re.compile(r"\b[A-Z]{2}\d{3}\b")
_FIELD_LINE = re.compile(r"^\s*(?:[-*+]\s+)?\*\*(?P<label>[^*\n]{1,60}?)\s*:?\s*\*\*\s*:?\s*")


@dataclass(frozen=True)
class Analysis:
    text: str
    document: Document
    result: LintResult


def analyse(text: str, options: LintOptions) -> Analysis:
    document = parse(text)
    return Analysis(text, document, lint(document, options))


def fixed_text(text: str, options: LintOptions, code: str | None = None) -> str | None:
    """The text with the safe fixes (for `code` only, when given), or None if none apply."""
    result = fix(text, options, None if code is None else {code})
    return result.text if result.changed else None


def _element_spans(document: Document) -> list[Span]:
    spans = [item.span for item in document.front if item.span is not None]
    for section in document.sections:
        if section.span is not None:
            spans.append(section.span)
        spans.extend(block.span for block in section.blocks if block.span is not None)
    return spans


def suppression_line(document: Document, line: int) -> int:
    """The 1-based line an `ignore` comment goes above so that it covers `line`: the start of
    the smallest element (header field, heading, block) holding it."""
    holding = [s for s in _element_spans(document) if s.start <= line <= s.end]
    if not holding:
        return line
    return min(holding, key=lambda s: (s.end - s.start, -s.start)).start


def ignore_comment(code: str) -> str:
    return f"<!-- hindsight: ignore={code} -->"


def code_at(line_text: str, character: int) -> str | None:
    """The rule code under the cursor (`BL001` in a suppression comment, say)."""
    for match in CODE_WORD.finditer(line_text):
        if match.start() <= character <= match.end():
            return match.group(0)
    return None


# -- completion ------------------------------------------------------------------------------

_VALUES: dict[str, tuple[str, ...]] = {
    "Status": STATUSES,
    "Severity": SEVERITIES,
    "Reported by": REPORTERS,
}


@dataclass(frozen=True)
class Completion:
    values: tuple[str, ...]
    start: int  # 0-based character where the replaced text begins
    end: int
    detail: str
    padded: bool = False  # a table cell: the value goes between spaces


def complete(
    document: Document, lines: list[str], line: int, character: int, services: tuple[str, ...]
) -> Completion | None:
    """Values for the header field or the action table's Type cell at (0-based) line:char."""
    if not 0 <= line < len(lines):
        return None
    text = lines[line]
    field = _FIELD_LINE.match(text)
    if field is not None and character >= field.end():
        spec = field_spec(field.group("label"))
        if spec is None:
            return None
        if spec.key == "Services affected":
            if not services:
                return None
            # complete the service being typed after the last comma
            start = text.rfind(",", field.end(), character) + 1 or field.end()
            while start < character and text[start] == " ":
                start += 1
            return Completion(services, start, len(text[:character]), "service catalog")
        values = _VALUES.get(spec.key)
        if values is None:
            return None
        return Completion(values, field.end(), len(text.rstrip()), spec.key)
    return _type_cell(document, text, line + 1, character)


def _type_cell(document: Document, text: str, number: int, character: int) -> Completion | None:
    for block in document.section_blocks(SectionKind.ACTION_ITEMS):
        if not isinstance(block, Table) or block.span is None:
            continue
        if not block.span.start + 2 <= number <= block.span.end:
            continue  # the header and the delimiter row are not cells to fill
        column = column_roles(block.header).get("type")
        if column is None:
            return None
        pipes = [m.start() for m in re.finditer(r"(?<!\\)\|", text)]
        leading = bool(pipes) and not text[: pipes[0]].strip()
        bounds = pipes if leading else [-1, *pipes]
        cell = sum(1 for p in bounds if p < character) - 1
        if cell != column:
            return None
        start = bounds[cell] + 1
        end = bounds[cell + 1] if cell + 1 < len(bounds) else len(text)
        return Completion(ACTION_TYPES, start, end, "action type", padded=True)
    return None
