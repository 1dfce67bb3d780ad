"""Parse + render of generated postmortems against markdown-it-py's own parse of the same texts.

Target: our parse + render costs at most 2x markdown-it's parse alone.
"""

from __future__ import annotations

import time

from markdown_it import MarkdownIt

from bench.generate import postmortems
from hindsight.core.document import parse, render

TARGET_RATIO = 2.0


def _best_of(runs: int, work: object) -> float:
    assert callable(work)
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main(quick: bool = False) -> bool:
    count = 1_000 if quick else 10_000
    texts = postmortems(count)
    md = MarkdownIt("commonmark", {"html": True}).enable("table")

    def baseline() -> None:
        for text in texts:
            md.parse(text)

    def ours() -> None:
        for text in texts:
            render(parse(text))

    runs = 1 if quick else 3
    base = _best_of(runs, baseline)
    mine = _best_of(runs, ours)
    ratio = mine / base
    print(f"documents:                 {count:,}")
    print(f"markdown-it parse only:    {base:.2f} s  ({count / base:,.0f} documents/s)")
    print(f"hindsight parse + render:  {mine:.2f} s  ({count / mine:,.0f} documents/s)")
    print(f"ratio:                     {ratio:.2f}x  (target <= {TARGET_RATIO}x)")
    return ratio <= TARGET_RATIO


if __name__ == "__main__":
    main()
