"""Blame vocabulary as data: negated, quoted and non-personal uses are not findings."""

from __future__ import annotations

import pytest

from hindsight.core.checks.vocab import DEFAULT_TERMS, Term, vocabulary


def _terms(kind: str, text: str) -> list[str]:
    return [hit.term.term for hit in vocabulary(kind).find(text)]


@pytest.mark.parametrize(
    "text",
    [
        "This is not a matter of human error.",
        "We added a check rather than reviewing more carefully.",
        "Calling it “human error” ends the analysis.",
        'Avoid "careless" in reviews.',
        "It was never about human error, but about a missing test.",
    ],
)
def test_rejected_uses_pass(text: str) -> None:
    assert _terms("blame", text) == [] and _terms("personal-action", text) == []


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("The outage was human error.", "human error"),
        ("A careless edit, and nobody checked.", "careless"),
        ("It was the operator's fault that", "'s fault"),
    ],
)
def test_asserted_uses_are_found(text: str, term: str) -> None:
    assert _terms("blame", text) == [term]


def test_person_subject_and_participle_constraints() -> None:
    assert _terms("hindsight", "The engineer failed to notice the alert.") == ["failed to"]
    assert _terms("hindsight", "The job failed to start.") == []
    assert _terms("hindsight", "The reviewer should have caught it.") == ["should have"]
    assert _terms("hindsight", "I should have caught it.") == ["should have"]
    assert _terms("hindsight", "We should have caught it.") == []  # the team owning up
    assert _terms("hindsight", "We should have alerting on it.") == []


def test_extra_and_disabled_terms() -> None:
    extra = (Term("botched", "judges", "describe", 0.8, "blame"),)
    assert [h.term.term for h in vocabulary("blame", extra).find("a botched rollout")] == [
        "botched"
    ]
    assert list(vocabulary("blame", (), ("careless",)).find("a careless edit")) == []


def test_terms_are_well_formed() -> None:
    for term in DEFAULT_TERMS:
        assert term.message and term.suggestion and 0 < term.confidence <= 1
