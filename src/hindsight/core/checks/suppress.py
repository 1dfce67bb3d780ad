"""Inline suppression: `<!-- hindsight: disable=BL001 -->`, `enable=…`, `ignore=…`.

The directives are HTML comments, which the parser keeps as `Raw` blocks, so they survive
`hindsight fmt`. `disable` holds until a matching `enable` (or the end of the file); `ignore`
covers the next block only. Selectors are codes, names or families, as in config.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hindsight.core.checks.diagnostic import Diagnostic
from hindsight.core.checks.registry import resolve
from hindsight.core.document.model import Document, Raw, Span

_DIRECTIVE = re.compile(
    r"<!--\s*hindsight\s*:\s*(?P<kind>disable|enable|ignore)\s*(?:=\s*|\s+)?"
    r"(?P<rules>[A-Za-z0-9_,\s-]*?)\s*-->",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Directive:
    kind: str  # disable | enable | ignore
    selector: str
    codes: frozenset[str] | None  # None: the selector names no rule
    line: int
    end_line: int


def directives(document: Document) -> tuple[Directive, ...]:
    out: list[Directive] = []
    for block in _raw_blocks(document):
        if "hindsight" not in block.text or block.span is None:
            continue
        for match in _DIRECTIVE.finditer(block.text):
            line = block.span.start + block.text[: match.start()].count("\n")
            end = block.span.start + block.text[: match.end()].count("\n")
            selectors = [s for s in re.split(r"[,\s]+", match.group("rules")) if s] or ["ALL"]
            for selector in selectors:
                kind = match.group("kind").lower()
                out.append(Directive(kind, selector, resolve(selector), line, end))
    return tuple(out)


def _raw_blocks(document: Document) -> Iterator[Raw]:
    for item in document.front:
        if isinstance(item, Raw):
            yield item
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Raw):
                yield block


def _element_spans(document: Document) -> list[Span]:
    spans = [item.span for item in document.front if item.span is not None]
    for section in document.sections:
        if section.span is not None:
            spans.append(section.span)
        spans.extend(block.span for block in section.blocks if block.span is not None)
    return sorted(spans)


@dataclass(frozen=True)
class _Scope:
    directive: Directive
    start: int
    end: int  # inclusive


def _scopes(document: Document, found: tuple[Directive, ...]) -> list[_Scope]:
    scopes: list[_Scope] = []
    spans: list[Span] | None = None
    open_: dict[str, list[Directive]] = {}
    last_line = 10**9
    for directive in found:
        if directive.codes is None:
            continue
        if directive.kind == "ignore":
            spans = spans if spans is not None else _element_spans(document)
            target = next((s for s in spans if s.start > directive.end_line), None)
            if target is not None:
                scopes.append(_Scope(directive, target.start, target.end))
        elif directive.kind == "disable":
            for code in directive.codes:
                open_.setdefault(code, []).append(directive)
        else:
            for code in directive.codes:
                for opened in open_.pop(code, []):
                    scopes.append(_Scope(opened, opened.line, directive.line))
    for opened_list in open_.values():
        scopes.extend(_Scope(d, d.line, last_line) for d in opened_list)
    return scopes


def apply(
    document: Document, diagnostics: Iterable[Diagnostic]
) -> tuple[list[Diagnostic], list[Directive]]:
    """The diagnostics no directive suppresses, and the disable/ignore directives never used."""
    found = directives(document)
    if not found:
        return list(diagnostics), []
    scopes = _scopes(document, found)
    used: set[int] = set()
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        hit = False
        for scope in scopes:
            codes = scope.directive.codes or frozenset()
            if diagnostic.code in codes and scope.start <= diagnostic.line <= scope.end:
                used.add(id(scope.directive))
                hit = True
        if not hit:
            kept.append(diagnostic)
    unused = [d for d in found if d.kind != "enable" and d.codes is not None and id(d) not in used]
    return kept, unused
