"""`hindsight lint ONE.md` (what a pre-commit hook runs) against `markdownlint-cli2 ONE.md`.

Both run as fresh processes on the same file, the way a hook runs them, alternately (one of
each per round, so a busy machine slows both alike); the median wall time of each is printed,
and the median of the rounds' ratios. Goal: Hindsight at most 0.5x markdownlint-cli2. The npm
package is installed into build/npm-bench (from the npm registry) when it is missing.
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
# A prefix of its own: `npm install --no-save` into the Makefile's build/npm would prune the
# axe-core the browser tests use (npm removes what no package.json lists).
NPM_PREFIX = ROOT / "build" / "npm-bench"
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


def once(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, capture_output=True, check=False)
    return time.perf_counter() - start


def rounds(commands: list[list[str]], cwd: Path, runs: int) -> list[list[float]]:
    """Seconds of each command in each of `runs` rounds (after a warm-up round)."""
    for command in commands:
        once(command, cwd)
    return [[once(command, cwd) for command in commands] for _ in range(runs)]


def main(quick: bool) -> bool:
    runs = 5 if quick else 21
    markdownlint = ensure_markdownlint()
    with tempfile.TemporaryDirectory() as folder:
        cwd = Path(folder)
        (cwd / "ONE.md").write_text(sample_postmortem(), encoding="utf-8")
        timed = rounds(
            [
                [str(HINDSIGHT), "lint", "ONE.md"],
                [str(markdownlint), "ONE.md"],
                [str(HINDSIGHT), "--version"],
            ],
            cwd,
            runs,
        )
    ours, theirs, version = (statistics.median(column) for column in zip(*timed, strict=True))
    ratio = statistics.median(row[0] / row[1] for row in timed)
    print(f"hindsight --version         {version * 1000:7.1f} ms (median of {runs} rounds)")
    print(f"hindsight lint ONE.md       {ours * 1000:7.1f} ms")
    print(f"markdownlint-cli2 ONE.md    {theirs * 1000:7.1f} ms")
    print(f"ratio {ratio:.2f}x (goal <= {GOAL}x): {'ok' if ratio <= GOAL else 'MISSED'}")
    return ratio <= GOAL
