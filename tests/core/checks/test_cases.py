"""Per-rule cases as data: `cases/<CODE>.yml`, each an edit of the good document (or a whole
document) with the lines where that rule must report — and nothing else from that rule."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from hindsight.core.checks import all_rules, build_options, lint
from hindsight.core.document import parse
from tests.core.checks.base import HERE, base_text

CASES = sorted((HERE / "cases").glob("*.yml"))


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _params() -> list[Any]:
    out = []
    for path in CASES:
        data = _load(path)
        for case in data["cases"]:
            out.append(pytest.param(data["rule"], case, id=f"{data['rule']}-{case['name']}"))
    return out


def _document(case: dict[str, Any]) -> str:
    if "document" in case:
        text: str = case["document"]
        return text
    text = base_text()
    for old, new in case.get("replace", []):
        assert text.count(old) == 1, f"replacement target not unique: {old!r}"
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(("code", "case"), _params())
def test_case(code: str, case: dict[str, Any]) -> None:
    options = build_options(case.get("options", {}), source="case")
    result = lint(parse(_document(case)), options)
    lines = sorted(d.line for d in result.diagnostics if d.code == code)
    assert lines == sorted(case["expect"]), [
        (d.line, d.message) for d in result.diagnostics if d.code == code
    ]


def test_every_rule_has_failing_and_passing_cases() -> None:
    by_code = {path.stem: _load(path) for path in CASES}
    for rule in all_rules():
        assert rule.code in by_code, f"no cases/{rule.code}.yml"
        data = by_code[rule.code]
        assert data["rule"] == rule.code
        expects = [case["expect"] for case in data["cases"]]
        assert any(expects), f"{rule.code}: no failing case"
        assert any(not e for e in expects), f"{rule.code}: no passing case"
