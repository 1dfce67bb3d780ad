"""Rule metadata: codes, names, docstrings, options — and docs/rules generated from them."""

from __future__ import annotations

import re
from pathlib import Path

from hindsight.core.checks import all_rules, get_rule, resolve
from hindsight.core.checks.docs import pages
from hindsight.core.checks.rule import DOC_SECTIONS, FAMILIES

DOCS = Path(__file__).resolve().parents[3] / "docs" / "rules"


def test_codes_names_and_docstrings() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"[A-Z]{2}\d{3}", rule.code) and rule.family() in FAMILIES
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.name)
        sections = rule.doc_sections()
        assert all(sections.get(title) for title in DOC_SECTIONS), rule.code
        assert 0 < rule.confidence <= 1
        for option in rule.options:
            assert re.fullmatch(r"[a-z]+(-[a-z]+)*", option.name) and option.help


def test_every_family_of_the_issue_has_rules() -> None:
    families = {r.family() for r in all_rules()}
    assert {"ST", "SU", "IM", "TL", "RC", "WH", "AC", "BL", "GW"} <= families


def test_selectors() -> None:
    assert resolve("AC001") == {"AC001"}
    assert resolve("action-owner-missing") == {"AC001"}
    assert resolve("BL") == {r.code for r in all_rules() if r.code.startswith("BL")}
    assert resolve("nothing-like-this") is None
    assert get_rule("ac001") is get_rule("action-owner-missing")


def test_docs_match_the_rules() -> None:
    """Regenerate with `hindsight rules --docs docs/rules` when this fails."""
    expected = pages()
    on_disk = {p.name: p.read_text("utf-8") for p in DOCS.glob("*.md")}
    assert sorted(on_disk) == sorted(expected)
    stale = [name for name, text in expected.items() if on_disk[name] != text]
    assert not stale, f"out of date: {stale}"
