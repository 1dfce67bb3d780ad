"""What every safe fix must keep: the prose, line for line; idempotence; only fixable findings
removed. Shared by the corpus, Hypothesis and CLI tests."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from bench.corpus import lost_lines

from hindsight.core.checks import all_rules, lint
from hindsight.core.checks.fixes import fix
from hindsight.core.document import parse
from hindsight.core.document.model import BulletList, FrontMatter, Paragraph, Raw, Table
from hindsight.core.document.template import SectionKind

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "postmortems"
FIXABLE = frozenset(rule.code for rule in all_rules() if rule.fixable)
# A timeline entry's leading timestamp is what the timestamp fix may rewrite, not prose.
_STAMP = re.compile(
    r"^(\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX]\]\s+)?)[^A-Za-z]{0,20}?\d{1,2}:\d{2}"
    r"(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp]\.?[Mm]\.?)?"
)


def prose_lines(text: str) -> Counter[str]:
    """Every source line of a paragraph, list, raw block or front matter (not header fields,
    headings or tables), timeline timestamps masked."""
    document = parse(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    out: Counter[str] = Counter()
    timeline = {id(b) for b in document.section_blocks(SectionKind.TIMELINE)}
    blocks = [*document.front, *(b for s in document.sections for b in s.blocks)]
    for block in blocks:
        if not isinstance(block, Paragraph | BulletList | Raw | FrontMatter) or not block.span:
            continue
        for line in lines[block.span.start - 1 : block.span.end]:
            out[_STAMP.sub(r"\1<time>", line) if id(block) in timeline else line] += 1
    return out


def table_cells(text: str) -> Counter[str]:
    """Cells of every table's body, except action tables' Type cells (the fix may respell)."""
    document = parse(text)
    actions = {id(b) for b in document.section_blocks(SectionKind.ACTION_ITEMS)}
    out: Counter[str] = Counter()
    for block in [*document.front, *(b for s in document.sections for b in s.blocks)]:
        if isinstance(block, Table):
            for row in block.rows:
                for index, cell in enumerate(row):
                    typed = index < len(block.header) and block.header[index].strip().casefold()
                    if id(block) in actions and typed in ("type", "category"):
                        continue
                    out[cell.strip()] += 1
    return out


def check_fix(text: str) -> list[str]:
    """Problems with `fix(text)`; empty when the fix kept every promise."""
    problems: list[str] = []
    once = fix(text).text
    if fix(once).text != once:
        problems.append("not idempotent")
    if prose_lines(once) != prose_lines(text):
        missing = prose_lines(text) - prose_lines(once)
        problems.append(f"prose changed: {list(missing)[:3]}")
    if table_cells(once) != table_cells(text):
        problems.append("table cells changed")
    # Header field and table lines may be respelled, a timeline entry's time rewritten.
    lost = [
        line
        for line in lost_lines(text, once)
        if not line.lstrip().startswith(("**", "|")) and not _STAMP.match(line)
    ]
    if lost:
        problems.append(f"lost lines: {lost[:3]}")
    before = Counter(d.code for d in lint(parse(text)).diagnostics)
    after = Counter(d.code for d in lint(parse(once)).diagnostics)
    removed = {code for code in before if after[code] < before[code]}
    if removed - FIXABLE:
        problems.append(f"removed findings of rules that are not fixable: {removed - FIXABLE}")
    return problems
