"""Analyse 10,000 generated postmortems (1,000 with --quick): seconds and peak memory, and the
ratio to just parsing them, measured in the same run. Target: analysis at most 3× parsing.

"Analysis" is everything from Markdown text to the rendered roadmap: import (parse, reshape,
facts, timeline) → records → patterns → Markdown report.
"""

from __future__ import annotations

import datetime as dt
import gc
import resource
import time
from collections.abc import Callable
from typing import TypeVar

from hindsight.core.analysis import analyze, record_from_import
from hindsight.core.analysis.synthetic import HANDOFF, generate
from hindsight.core.document import parse
from hindsight.core.importing import import_text
from hindsight.report.roadmap_md import render_markdown

TARGET = 3.0
T = TypeVar("T")


def _measure(work: Callable[[], T]) -> tuple[T, float, float]:
    """Result, seconds, and the process's peak resident memory so far in MiB (Linux reports
    KiB). Parsing runs first, so the analysis peak includes everything parsing needed."""
    gc.collect()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result, seconds, peak


def main(quick: bool) -> bool:
    n = 1_000 if quick else 10_000
    docs = generate(n, seed=11)
    texts = [(d.name, d.text) for d in docs]

    def parse_all() -> int:
        return sum(len(parse(text).sections) for _, text in texts)

    def analyse_all() -> str:
        records = [record_from_import(import_text(t, name=name), name) for name, t in texts]
        analysis = analyze(records, today=dt.date(2026, 1, 1), handoffs=(HANDOFF,))
        return render_markdown(analysis)

    _, parse_s, parse_mb = _measure(parse_all)
    report, analyse_s, analyse_mb = _measure(analyse_all)
    ratio = analyse_s / parse_s if parse_s else float("inf")
    ok = ratio <= TARGET and "16:00 handoff" in report
    print(f"postmortems:        {n}")
    print(f"parse only:         {parse_s:7.2f} s   peak RSS {parse_mb:7.1f} MiB")
    print(f"import + analyse:   {analyse_s:7.2f} s   peak RSS {analyse_mb:7.1f} MiB")
    print(f"ratio:              {ratio:7.2f}×  (target ≤ {TARGET:.0f}×) {'ok' if ok else 'FAIL'}")
    return ok
