"""The pre-commit hooks as users run them: `pre-commit try-repo` of this checkout against a
fresh git repository, with a failing and then a passing postmortem."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.core.checks.base import base_text

PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def test_hook_definitions() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text("utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"hindsight-lint", "hindsight-fmt"}
    for hook in hooks:
        assert hook["language"] == "python" and hook["types"] == ["markdown"]
        assert hook["entry"].split()[0] == "hindsight"  # the console script of pyproject.toml
        assert hook["files"] == "^postmortems/"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def _try_repo(cwd: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [*PRE_COMMIT, "try-repo", str(REPO), hook, "--all-files", "--verbose"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed by pre-commit")
def test_try_repo_fails_then_passes(tmp_path: Path) -> None:
    project = tmp_path / "incidents"
    (project / "postmortems").mkdir(parents=True)
    _git(project, "init", "-q")
    _git(project, "config", "user.email", "t@example.com")
    _git(project, "config", "user.name", "t")
    bad = base_text().replace("| Priya Raman  | Add", "| The team     | Add")
    (project / "postmortems" / "2026-03-14-checkout.md").write_text(bad, encoding="utf-8")
    (project / "notes.md").write_text("# not a postmortem, outside the folder\n", "utf-8")
    _git(project, "add", "-A")
    home = REPO / "build" / "pre-commit-home"  # the hook's venv, reused between runs
    failing = _try_repo(project, "hindsight-lint", home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "AC002" in failing.stdout and "notes.md" not in failing.stdout
    (project / "postmortems" / "2026-03-14-checkout.md").write_text(base_text(), "utf-8")
    _git(project, "add", "-A")
    passing = _try_repo(project, "hindsight-lint", home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    formatted = _try_repo(project, "hindsight-fmt", home)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
