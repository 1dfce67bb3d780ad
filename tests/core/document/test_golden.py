"""Golden files: each `*.input.md` renders to its `*.expected.md`, which is a fixed point.

Regenerate after an intended change with `UPDATE_GOLDEN=1 pytest tests/core/document`, then
review the diff like any other code change.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hindsight.core.document import parse, render

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name.removesuffix(".input.md") for p in GOLDEN.glob("*.input.md"))


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    source = (GOLDEN / f"{name}.input.md").read_text(encoding="utf-8")
    expected_path = GOLDEN / f"{name}.expected.md"
    output = render(parse(source))
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(output, encoding="utf-8")
    assert output == expected_path.read_text(encoding="utf-8")
    assert render(parse(output)) == output, "canonical form must be a fixed point"


def test_there_are_golden_cases() -> None:
    assert len(CASES) >= 7
