"""Robustness report over a folder of real postmortems (`make corpus`).

For every file: `hindsight fmt` must lose no line of content and be idempotent. Then, when
they are present, the linter's, the blameless annotation set's (precision and recall per
family) and the importer's corpus reports run on the same folder.

    python bench/corpus.py ../shared/corpus/postmortems
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from hindsight.core.document import parse, render

_MARKUP_ONLY = re.compile(r"^[\s=\-:|*_>#+]*$")
_EMPHASIS = re.compile(r"\*\*|__")
_WORD = re.compile(r"[^\W_]+")
_LEAD = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,9}[.)]\s+)?")


def content(line: str) -> str | None:
    """A line's words without block markup, or None for a line that is only markup."""
    if _MARKUP_ONLY.match(line):
        return None
    text = _LEAD.sub("", line).replace("|", " ").rstrip("\\")
    # `Label: v`, `**Label**: v` and `**Label:** v` are one header field in canonical form
    text = _EMPHASIS.sub("", text)
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def lost_lines(before: str, after: str) -> list[str]:
    """Lines of content in `before` that no longer appear in `after`."""
    present = {c for c in map(content, after.splitlines()) if c}
    rendered = " ".join(present)
    return [
        line
        for line in before.splitlines()
        if (c := content(line)) and c not in present and c not in rendered
    ]


def lost_words(before: str, after: str) -> list[str]:
    """Words (and numbers) of `before` that `after` has fewer of: loss inside a line that the
    line comparison cannot see, such as a renumbered list item."""
    missing = Counter(_WORD.findall(before)) - Counter(_WORD.findall(after))
    return sorted(missing.elements())


@dataclass
class FmtResult:
    name: str
    lines: int
    lost: list[str]
    idempotent: bool
    lost_words: list[str]


def check_fmt(path: Path) -> FmtResult:
    text = path.read_text(encoding="utf-8")
    once = render(parse(text))
    twice = render(parse(once))
    return FmtResult(
        path.name,
        len(text.splitlines()),
        lost_lines(text, once),
        once == twice,
        lost_words(text, once),
    )


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "../shared/corpus/postmortems")
    files = sorted(folder.glob("*.md"))
    if not files:
        print(f"no Markdown files in {folder}")
        return 2
    print(f"== fmt round trip over {len(files)} files in {folder}")
    failures = 0
    for path in files:
        result = check_fmt(path)
        ok = not result.lost and not result.lost_words and result.idempotent
        failures += not ok
        status = "ok  " if ok else "FAIL"
        print(
            f"{status} {result.name:<55} {result.lines:>4} lines  lost {len(result.lost):>2}  "
            f"idempotent {'yes' if result.idempotent else 'NO'}"
        )
        for line in result.lost[:5]:
            print(f"       lost: {line[:100]}")
        if result.lost_words:
            print(f"       lost words: {' '.join(result.lost_words[:10])[:100]}")
    print(f"fmt: {len(files) - failures}/{len(files)} files lose nothing and are idempotent")
    status = 1 if failures else 0
    from bench import corpus_blame, corpus_import, corpus_lint

    print("\n== lint")
    status |= int(bool(corpus_lint.main([str(folder)])))
    print("\n== blameless checks against the annotation set")
    status |= int(bool(corpus_blame.main([str(folder)])))
    print("\n== import")
    status |= int(bool(corpus_import.main(str(folder))))
    return status


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.exit(main(sys.argv[1:]))
