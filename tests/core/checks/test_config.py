"""Config: discovery (nearest ancestor), validation messages, and their effect on lint."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight.config import config_at, find_config, load_options
from hindsight.core.checks import Severity, build_options, lint
from hindsight.core.document import parse
from hindsight.core.errors import ConfigError
from tests.core.checks.base import base_text


def test_nearest_hindsight_toml_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.hindsight.lint]\nignore = ["BL"]\n')
    inner = tmp_path / "pm" / "2026"
    inner.mkdir(parents=True)
    (tmp_path / "pm" / "hindsight.toml").write_text('[lint]\nignore = ["AC"]\n')
    found = find_config(inner / "x.md")
    assert found is not None and found.path.name == "hindsight.toml"
    assert load_options(found).ignore == ("AC",)
    top = find_config(tmp_path / "y.md")
    assert top is not None and top.table == "tool.hindsight.lint"
    assert load_options(top).ignore == ("BL",)


def test_pyproject_without_hindsight_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    found = find_config(tmp_path / "a.md")
    assert found is None or found.path.parent != tmp_path


@pytest.mark.parametrize(
    ("data", "key", "allowed"),
    [
        ({"selekt": ["BL"]}, "lint.selekt", "select"),
        ({"select": ["XX999"]}, "lint.select", "rule code"),
        ({"severity": {"BL001": "fatal"}}, "lint.severity.BL001", "error, warning, info"),
        ({"rules": {"WH001": {"min-steps": "three"}}}, "lint.rules.WH001.min-steps", "integer"),
        ({"rules": {"WH001": {"max-steps": 3}}}, "lint.rules.WH001.max-steps", "min-steps"),
        ({"vocabulary": {"extra": [{"term": "oops", "kind": "rude"}]}}, "kind", "blame"),
        ({"fail-on": "sometimes"}, "lint.fail-on", "never"),
        ({"min-confidence": 2}, "lint.min-confidence", "0 to 1"),
    ],
)
def test_errors_name_file_key_value_and_allowed(data: dict, key: str, allowed: str) -> None:
    with pytest.raises(ConfigError) as caught:
        build_options(data, source="team/hindsight.toml")
    message = caught.value.message
    assert "team/hindsight.toml" in message and key in message and allowed in message


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "hindsight.toml"
    path.write_text("[lint\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_options(config_at(path))


def test_settings_change_the_findings() -> None:
    text = base_text().replace("| detect   |", "| monitoring |")
    plain = lint(parse(text))
    assert [d.code for d in plain.diagnostics] == ["AC005"]
    assert plain.diagnostics[0].severity is Severity.ERROR
    relaxed = lint(parse(text), build_options({"severity": {"action-type": "info"}}))
    assert relaxed.diagnostics[0].severity is Severity.INFO
    assert lint(parse(text), build_options({"ignore": ["AC"]})).diagnostics == ()
    assert lint(parse(text), build_options({"select": ["BL"]})).diagnostics == ()


def test_min_confidence_drops_heuristic_findings() -> None:
    text = base_text().replace("| Add a CI check", "| Better CI checks")
    assert [d.code for d in lint(parse(text)).diagnostics] == ["AC004"]
    assert lint(parse(text), build_options({"min-confidence": 0.9})).diagnostics == ()


def test_draft_turns_missing_content_into_warnings() -> None:
    text = base_text().replace("| Priya Raman  | Add", "| TBD          | Add")
    published = lint(parse(text)).diagnostics
    draft = lint(parse(text.replace("**Status:** Published", "**Status:** Draft"))).diagnostics
    assert [(d.code, d.severity) for d in published] == [("AC001", Severity.ERROR)]
    assert [(d.code, d.severity) for d in draft] == [("AC001", Severity.WARNING)]
