"""`hindsight lint ONE.md` (what a pre-commit hook runs) against `markdownlint-cli2 ONE.md`.

Both run as fresh processes on the same file, the way a hook runs them; the median wall time of
each is printed with their ratio. Goal: Hindsight at most 0.5x markdownlint-cli2. The npm
package is installed into build/npm (like the Makefile's axe-core) when it is missing.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hindsight.samples import sample_postmortem

ROOT = Path(__file__).resolve().parents[1]
NPM_PREFIX = ROOT / "build" / "npm"
MARKDOWNLINT = NPM_PREFIX / "node_modules" / ".bin" / "markdownlint-cli2"
HINDSIGHT = Path(sys.executable).parent / "hindsight"
GOAL = 0.5


def ensure_markdownlint() -> Path:
    if not MARKDOWNLINT.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(NPM_PREFIX),
                "markdownlint-cli2",
            ],
            check=True,
            capture_output=True,
        )
    return MARKDOWNLINT


def wall(command: list[str], cwd: Path, runs: int) -> float:
    """Median seconds of `runs` runs (after one warm-up run that fills the OS caches)."""
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(quick: bool) -> bool:
    runs = 5 if quick else 21
    markdownlint = ensure_markdownlint()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "ONE.md").write_text(sample_postmortem(), encoding="utf-8")
        ours = wall([str(HINDSIGHT), "lint", "ONE.md"], cwd, runs)
        theirs = wall([str(markdownlint), "ONE.md"], cwd, runs)
        version = wall([str(HINDSIGHT), "--version"], cwd, runs)
    ratio = ours / theirs
    print(f"hindsight --version         {version * 1000:7.1f} ms (median of {runs})")
    print(f"hindsight lint ONE.md       {ours * 1000:7.1f} ms")
    print(f"markdownlint-cli2 ONE.md    {theirs * 1000:7.1f} ms")
    print(f"ratio {ratio:.2f}x (goal <= {GOAL}x): {'ok' if ratio <= GOAL else 'MISSED'}")
    return ratio <= GOAL
