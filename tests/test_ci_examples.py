"""The CI examples in docs/ci.md are valid YAML and their `hindsight` commands work: run on a
folder with a good postmortem they pass and write the reports the job uploads; with a bad one
the last command fails the job."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import yaml

from tests.conftest import REPO
from tests.core.checks.base import base_text

DOC = REPO / "docs" / "ci.md"
BIN = Path(sys.executable).parent


def _example(name: str) -> Any:
    text = DOC.read_text("utf-8")
    match = re.search(rf"<!-- ci: {name} -->\n```yaml\n(.*?)```", text, re.DOTALL)
    assert match, f"no {name} example in docs/ci.md"
    return yaml.safe_load(match.group(1))


def _commands(name: str) -> list[str]:
    data = _example(name)
    if name == "github":
        steps = data["jobs"]["check"]["steps"]
        lines = [s["run"] for s in steps if "run" in s]
    else:
        lines = list(data["postmortems"]["script"])
    return [line for line in lines if line.startswith("hindsight ")]


def _run(commands: list[str], cwd: Path) -> list[int]:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    return [
        subprocess.run(c, shell=True, cwd=cwd, env=env, capture_output=True, check=False).returncode
        for c in commands
    ]


def _project(tmp_path: Path, text: str) -> Path:
    (tmp_path / "postmortems").mkdir()
    (tmp_path / "postmortems" / "2026-03-14-checkout.md").write_text(text, encoding="utf-8")
    return tmp_path


def test_github_workflow(tmp_path: Path) -> None:
    data = _example("github")
    assert data["permissions"]["security-events"] == "write"  # SARIF upload needs it
    steps = data["jobs"]["check"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action"))
    commands = _commands("github")
    assert len(commands) == 3
    project = _project(tmp_path, base_text())
    assert _run(commands, project) == [0, 0, 0]
    sarif = json.loads((project / upload["with"]["sarif_file"]).read_text("utf-8"))
    assert sarif["version"] == "2.1.0"


@pytest.mark.parametrize("name", ["github", "gitlab"])
def test_a_bad_postmortem_fails_the_job(tmp_path: Path, name: str) -> None:
    bad = base_text().replace("| Priya Raman  | Add", "| The team     | Add")
    codes = _run(_commands(name), _project(tmp_path, bad))
    assert codes[-1] == 1 and codes[:-1] == [0] * (len(codes) - 1)


def test_gitlab_job(tmp_path: Path) -> None:
    data = _example("gitlab")["postmortems"]
    reports = data["artifacts"]["reports"]
    project = _project(tmp_path, base_text().replace("| prevent  |", "| Prevent  |"))
    assert _run(_commands("gitlab"), project) == [0, 0, 0, 0]
    issues = json.loads((project / reports["codequality"]).read_text("utf-8"))
    assert isinstance(issues, list)
    assert ET.parse(project / reports["junit"]).getroot().tag == "testsuites"
