"""Lint a folder of real postmortems and summarise findings per rule and per file.

    python bench/corpus_lint.py ../shared/corpus/postmortems [--show CODE]

Exit 0 when every file was linted (findings are expected; a crash is not). `--show CODE`
prints each finding of that rule with its line, to review false positives.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from hindsight.core.checks import all_rules, lint
from hindsight.core.document import parse
from hindsight.fileio import read_text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="corpus_lint")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--show", action="append", default=[], help="print findings of CODE")
    args = parser.parse_args(argv)
    files = sorted(p for p in args.folder.rglob("*.md") if p.is_file())
    if not files:
        print(f"no Markdown files under {args.folder}")
        return 2
    per_rule: Counter[str] = Counter()
    files_per_rule: Counter[str] = Counter()
    failures = 0
    print(f"{'file':<56} {'errors':>6} {'warn':>5} {'info':>5}")
    for path in files:
        try:
            text = read_text(path)
            result = lint(parse(text))
        except Exception as error:  # the report must survive any file; count it instead
            failures += 1
            print(f"{path.name:<56} CRASH {type(error).__name__}: {error}")
            continue
        counts = result.counts()
        print(
            f"{path.name[:56]:<56} {counts['error']:>6} {counts['warning']:>5} {counts['info']:>5}"
        )
        codes = [d.code for d in result.diagnostics]
        per_rule.update(codes)
        files_per_rule.update(set(codes))
        for d in result.diagnostics:
            if d.code in args.show:
                lines = text.splitlines()
                source = lines[d.line - 1].strip()[:100] if d.line <= len(lines) else ""
                print(f"    {d.code} {d.line}: {d.message}\n        | {source}")
    print(f"\n{'rule':<34} {'findings':>8} {'files':>6}")
    for rule in all_rules():
        if per_rule[rule.code]:
            label = f"{rule.code} {rule.name}"
            print(f"{label:<34} {per_rule[rule.code]:>8} {files_per_rule[rule.code]:>6}")
    print(f"\n{len(files)} files, {sum(per_rule.values())} findings, {failures} crashes")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
