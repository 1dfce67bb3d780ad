"""Run the benchmarks: every `bench/bench_*.py` module's `main(quick)`, or the ones named.

python -m bench                 # all, full size
python -m bench document lint   # only bench_document.py and bench_lint.py
python -m bench --quick         # small sizes, for a smoke run
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args()
    here = Path(__file__).parent
    available = sorted(
        m.name.removeprefix("bench_")
        for m in pkgutil.iter_modules([str(here)])
        if m.name.startswith("bench_")
    )
    chosen = args.names or available
    unknown = [n for n in chosen if n not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available)}")
        return 2
    failed = 0
    for name in chosen:
        module = importlib.import_module(f"bench.bench_{name}")
        print(f"== {name}")
        ok = module.main(quick=args.quick)
        failed += 0 if ok else 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
