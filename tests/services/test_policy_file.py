"""Where a process finds its trigger table: `[policy]` in hindsight.toml, or
`[tool.hindsight.policy]` in pyproject.toml, nearest above; the guide's table without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight.core.errors import ConfigError
from hindsight.core.policy import DEFAULT_POLICY
from hindsight.services.policy import policy_at

RULE = '[[{table}.rules]]\nname = "all"\nwhen = "always"\ndecision = "lightweight"\n'


def test_hindsight_toml_pyproject_and_none(tmp_path: Path) -> None:
    own = tmp_path / "own"
    (own / "deep").mkdir(parents=True)
    (own / "hindsight.toml").write_text(RULE.format(table="policy"))
    assert [r.name for r in policy_at(None, str(own / "deep")).rules] == ["all"]
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        "[tool.hindsight.lint]\n\n" + RULE.format(table="tool.hindsight.policy")
    )
    assert [r.name for r in policy_at(None, str(project)).rules] == ["all"]
    bare = tmp_path / "bare"
    bare.mkdir()
    assert policy_at(None, str(bare)) == DEFAULT_POLICY
    assert policy_at(str(own / "hindsight.toml"), str(bare)).rules[0].name == "all"


def test_a_bad_file_names_itself(tmp_path: Path) -> None:
    (tmp_path / "hindsight.toml").write_text('[policy]\nunchanged-review = "shrug"\n')
    with pytest.raises(ConfigError, match=r"hindsight\.toml"):
        policy_at(None, str(tmp_path))
