"""Blameless checks against an annotation set: precision and recall per family.

    python bench/corpus_blame.py ../shared/corpus/postmortems

The set (`bench/blameless_annotations.yml`) has two parts. `corpus`: (file, line, expected)
over the real postmortems, referred to by file and line, never copied. `written`: sentences
in the shapes those documents use, each placed in one section of the project's good base
document. `expected` is one or more families joined by "+", or "clean". A line's predicted
families are those of the blameless findings on it. Exit 1 when a family is below 0.9.
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hindsight.core.checks import lint
from hindsight.core.checks.diagnostic import Diagnostic
from hindsight.core.document import parse

HERE = Path(__file__).resolve().parent
ANNOTATIONS = HERE / "blameless_annotations.yml"
BASE = HERE.parent / "tests" / "core" / "checks" / "documents" / "good-connection-pool.md"
FAMILIES = (
    "person",
    "judgement",
    "human-error",
    "self-judgement",
    "personal-action",
    "why-stop",
    "hindsight",
)
BLAMELESS_CODES = frozenset(["BL001", "BL002", "BL003", "BL004", "AC009", "WH002", "WH003"])
TARGET = 0.9

# Where a written sentence goes: the base document's line it replaces, and how.
_PLACES = {
    "summary": (
        "The on-call engineer rolled back the connection-pool configuration and error "
        "rates returned to normal.",
        "{}",
    ),
    "poorly": ("- The status page was updated 20 minutes after the alert.", "- {}"),
    "root": (
        "Root cause: a config change to the checkout-api connection pool reduced the "
        "per-pod maximum from 100 to 10 connections.",
        "{}",
    ),
    "timeline": ("- 14:12 — Config change rolled out to all checkout-api pods (deploy)", "- {}"),
    "well": ("- The rollback worked on the first try and took 8 minutes.", "- {}"),
    "why": (
        "3. Why did that change ship? It passed CI and the 1% canary stage without "
        "triggering any signal.",
        "3. Why did that change ship? {}",
    ),
    "action": ("Add a CI check that fails pool sizes below the load-tested minimum", "{}"),
}


def family(diagnostic: Diagnostic) -> str | None:
    """The annotation family a blameless finding belongs to (None: not scored)."""
    code, message = diagnostic.code, diagnostic.message
    if code in ("BL003", "BL004", "WH003"):
        return "person"
    if code == "BL001":
        if "as a cause ends the analysis" in message:
            return "human-error"
        if "judges themselves" in message:
            return "self-judgement"
        return "judgement"
    return {"AC009": "personal-action", "WH002": "why-stop", "BL002": "hindsight"}.get(code)


@dataclass(frozen=True)
class Case:
    where: str  # "file:line" or "section: sentence"
    expected: frozenset[str]
    predicted: frozenset[str]


def load() -> dict[str, Any]:
    data = yaml.safe_load(ANNOTATIONS.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _labels(text: str) -> frozenset[str]:
    labels = frozenset(() if text == "clean" else text.split("+"))
    unknown = labels - set(FAMILIES)
    if unknown:
        raise ValueError(f"unknown family {sorted(unknown)} in annotation {text!r}")
    return labels


def _families(diagnostics: tuple[Diagnostic, ...], line: int) -> frozenset[str]:
    return frozenset(f for d in diagnostics if d.line == line and (f := family(d)))


def written_document(section: str, sentence: str) -> tuple[str, int]:
    """The base document with `sentence` in `section`, and the line it is on."""
    target, shape = _PLACES[section]
    base = BASE.read_text("utf-8")
    assert base.count(target) == 1, target
    text = base.replace(target, shape.format(sentence))
    line = text[: text.index(shape.format(sentence))].count("\n") + 1
    return text, line


def cases(folder: Path) -> list[Case]:
    data = load()
    out: list[Case] = []
    linted: dict[str, tuple[Diagnostic, ...]] = {}
    for name, line, label in data["corpus"]:
        if name not in linted:
            linted[name] = lint(parse((folder / name).read_text("utf-8"))).diagnostics
        out.append(Case(f"{name}:{line}", _labels(label), _families(linted[name], line)))
    for section, sentence, label in data["written"]:
        text, line = written_document(section, sentence)
        found = _families(lint(parse(text)).diagnostics, line)
        out.append(Case(f"{section}: {sentence}", _labels(label), found))
    return out


def scores(found: list[Case]) -> dict[str, tuple[float, float, int, int, int]]:
    """Per family: (precision, recall, true positives, false positives, false negatives)."""
    out = {}
    for name in FAMILIES:
        tp = sum(1 for c in found if name in c.expected and name in c.predicted)
        fp = sum(1 for c in found if name not in c.expected and name in c.predicted)
        fn = sum(1 for c in found if name in c.expected and name not in c.predicted)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        out[name] = (precision, recall, tp, fp, fn)
    return out


def false_alarms(folder: Path) -> tuple[int, int]:
    """Blameless findings on the whole corpus, and how many fall on lines not annotated as
    blame of any family (every finding on a real document is reviewed into the set)."""
    blame = {(n, ln) for n, ln, label in load()["corpus"] if label != "clean"}
    total = alarms = 0
    for path in sorted(folder.glob("*.md")):
        for d in lint(parse(path.read_text("utf-8"))).diagnostics:
            if d.code in BLAMELESS_CODES:
                total += 1
                alarms += (path.name, d.line) not in blame
    return total, alarms


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "../shared/corpus/postmortems")
    found = cases(folder)
    blame = sum(1 for c in found if c.expected)
    print(f"annotation set: {len(found)} cases, {blame} blame, {len(found) - blame} clean")
    failed = False
    print(f"{'family':<16} {'precision':>9} {'recall':>7} {'tp':>4} {'fp':>4} {'fn':>4}")
    for name, (precision, recall, tp, fp, fn) in scores(found).items():
        flag = "" if precision >= TARGET and recall >= TARGET else "  BELOW 0.9"
        failed |= bool(flag)
        print(f"{name:<16} {precision:>9.2f} {recall:>7.2f} {tp:>4} {fp:>4} {fn:>4}{flag}")
    wrong = [c for c in found if c.expected != c.predicted]
    for case in wrong:
        expected = "+".join(sorted(case.expected)) or "clean"
        predicted = "+".join(sorted(case.predicted)) or "clean"
        print(f"  expected {expected:<22} got {predicted:<22} {case.where[:90]}")
    total, alarms = false_alarms(folder)
    files = len(list(folder.glob("*.md")))
    print(f"whole corpus: {total} blameless findings over {files} files, {alarms} false alarms")
    kinds = Counter(c.where.split(":")[0] for c in found if ".md:" not in c.where)
    print("written cases by section: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main(sys.argv[1:]))
