"""The import contracts really hold: a deliberately wrong import breaks them.

A copy of `src/` gets two imports the design forbids — the core reading the settings, the web
UI reaching into the store — and `lint-imports` with the project's own contracts must refuse
both, naming them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

WRONG = {
    "core/document/blank.py": "import hindsight.settings  # deliberately wrong\n",
    "web/listing.py": "import hindsight.store.records  # deliberately wrong\n",
}


def test_a_wrong_import_breaks_the_contracts(tmp_path: Path) -> None:
    shutil.copytree(REPO / "src", tmp_path / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for relative, line in WRONG.items():
        path = tmp_path / "src" / "hindsight" / relative
        path.write_text(line + path.read_text(encoding="utf-8"), encoding="utf-8")
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(lint_imports), "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path / "src")},
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = " ".join(done.stdout.split())
    assert done.returncode != 0, report
    assert "hindsight.core.document.blank -> hindsight.settings" in report
    assert "hindsight.web.listing -> hindsight.store.records" in report
