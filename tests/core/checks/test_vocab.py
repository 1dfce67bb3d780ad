"""Blame vocabulary as data: negated, quoted and non-personal uses are not findings."""

from __future__ import annotations

import pytest

from hindsight.core.checks.vocab import DEFAULT_TERMS, Term, family, vocabulary


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
        "We blamed no one: the pipeline allowed the push.",
        "Words like sloppy end the analysis.",
        "The fix is not to ask people to be more careful.",
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


def test_judgements_are_word_families() -> None:
    assert family("careless") == ("careless", "carelessly", "carelessness")
    assert family("sloppy") == ("sloppy", "sloppily", "sloppiness")
    assert family("negligent") == ("negligent", "negligently", "negligence")
    assert family("irresponsible") == ("irresponsible", "irresponsibly", "irresponsibility")
    for text, term in [
        ("Tomás carelessly pushed it.", "carelessly"),
        ("The sloppiness of the rollout.", "sloppiness"),
        ("The reviewer acted negligently.", "negligently"),
        ("The maintainers were lazy about tokens.", "lazy"),
    ]:
        assert _terms("blame", text) == [term]


def test_technical_lazy_is_no_judgement() -> None:
    for text in ("Lazy-loaded extensions broke.", "The lazy loading path.", "lazily evaluated"):
        assert _terms("blame", text) == [], text


def test_disabling_a_judgement_switches_its_family_off() -> None:
    found = vocabulary("blame", (), ("careless",)).find("carelessly, carelessness, careless")
    assert [h.term.term for h in found] == []
