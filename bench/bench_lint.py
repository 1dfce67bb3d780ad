"""Lint throughput: generated postmortems, parse-only vs parse + lint in the same run.

Targets: lint (parse included) at most 3x parse-only time, and over 300 documents/s.
"""

from __future__ import annotations

import random
import time

from hindsight.core.checks import lint
from hindsight.core.document import parse
from hindsight.samples import sample_postmortem

_NAMES = ["Priya Raman", "Tomás Ortega", "Mei Lin", "Jonas Weber", "Amara Okafor", "Alice Moreau"]
_EXTRAS = [
    "- Alice deployed a bad config and the reviewer should have caught it.",
    "- This is not a matter of human error; the pipeline accepted the change.",
    "- around 14:50 someone noticed the errors",
    "- The status page was updated late because nobody owned it.",
]


def generate(count: int, seed: int = 7) -> list[str]:
    """Variants of the sample: other people, times, figures, and some bad sentences."""
    rng = random.Random(seed)
    base = sample_postmortem()
    out = []
    for index in range(count):
        text = base.replace("Priya Raman", rng.choice(_NAMES)).replace(
            "12,300", f"{rng.randint(100, 99_999):,}"
        )
        text = text.replace("14:36", f"14:{rng.randint(33, 38)}")
        text = text.replace("| prevent  |", rng.choice(["| prevent  |", "| detect   |"]))
        if index % 3 == 0:
            text = text.replace(
                "## What went poorly\n", "## What went poorly\n\n" + rng.choice(_EXTRAS) + "\n"
            )
        if index % 5 == 0:
            text = text.replace("| Mei Lin      |", "| The team     |")
        out.append(text + f"\n<!-- document {index} -->\n")
    return out


def main(quick: bool) -> bool:
    count = 1_000 if quick else 10_000
    texts = generate(count)
    lint(parse(texts[0]))  # warm the registry and compiled patterns
    start = time.perf_counter()
    for text in texts:
        parse(text)
    parse_only = time.perf_counter() - start
    start = time.perf_counter()
    findings = 0
    for text in texts:
        findings += len(lint(parse(text)).diagnostics)
    full = time.perf_counter() - start
    documents = [parse(text) for text in texts]
    start = time.perf_counter()
    for document in documents:
        lint(document)
    lint_only = time.perf_counter() - start
    rate = count / full
    ratio = full / parse_only
    print(f"documents           {count}")
    print(f"parse only          {parse_only:.2f} s  ({count / parse_only:,.0f} docs/s)")
    print(f"parse + lint        {full:.2f} s  ({rate:,.0f} docs/s, {findings} findings)")
    print(f"lint alone          {lint_only:.2f} s  ({count / lint_only:,.0f} docs/s)")
    print(f"ratio to parse-only {ratio:.2f}x  (target <= 3.0x; rate target > 300 docs/s)")
    ok = ratio <= 3.0 and rate > 300
    print("ok" if ok else "MISSED TARGET")
    return ok
