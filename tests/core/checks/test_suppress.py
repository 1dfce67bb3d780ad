"""Inline suppression: disable/enable ranges, ignore for the next block, unused and unknown."""

from __future__ import annotations

from hindsight.core.checks import lint
from hindsight.core.document import parse, render
from tests.core.checks.base import base_text

BLAME = "- The status page was updated 20 minutes after the alert."


def _codes(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in lint(parse(text)).diagnostics]


def test_disable_until_enable() -> None:
    text = (
        base_text()
        .replace(
            BLAME,
            "- Human error.\n\n<!-- hindsight: enable=BL001 -->\n\n- Careless again.",
        )
        .replace(
            "## What went poorly\n", "## What went poorly\n\n<!-- hindsight: disable=BL001 -->\n"
        )
    )
    found = _codes(text)
    assert [c for c in found if c[0] == "BL001"] == [("BL001", 60)]  # only after enable
    assert not [c for c in found if c[0].startswith("LN")]


def test_ignore_covers_only_the_next_block() -> None:
    text = base_text().replace(
        BLAME, "<!-- hindsight: ignore=blame-language -->\n- Human error.\n\nCareless, too."
    )
    assert [c for c in _codes(text) if c[0] == "BL001"] == [("BL001", 57)]


def test_family_selector_and_unused_and_unknown() -> None:
    text = base_text().replace(
        "## What went poorly\n",
        "## What went poorly\n\n<!-- hindsight: disable=TL -->\n\n<!-- hindsight: ignore=XX1 -->\n",
    )
    found = _codes(text)
    assert ("LN001", 52) in found and ("LN002", 54) in found


def test_directives_survive_formatting() -> None:
    text = base_text().replace(BLAME, "<!-- hindsight: ignore=BL001 -->\n\n- Human error.")
    again = render(parse(text))
    assert "<!-- hindsight: ignore=BL001 -->" in again
    assert not [c for c in _codes(again) if c[0] in ("BL001", "LN001")]
