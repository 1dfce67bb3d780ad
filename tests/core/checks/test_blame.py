"""Cause, not mention: the frames that make a named person the cause or the fault."""

from __future__ import annotations

import pytest

from hindsight.core.checks.blame import about_self, blames, lemma_in

KNOWN = frozenset({"mei lin", "mei", "jonas"})


def _frames(text: str, *, strict: bool = False) -> list[tuple[str, str]]:
    return [(b.person.name, b.frame) for b in blames(text, KNOWN, strict=strict)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Alice pushed a bad config.", [("Alice", "subject")]),
        ("Tomás Ortega carelessly pushed a config change.", [("Tomás Ortega", "subject")]),
        ("Rachel overlooked the warning.", [("Rachel", "subject")]),
        ("Jonas forgot to enable the flag.", [("Jonas", "subject")]),
        ("Nadia did not test the migration.", [("Nadia", "subject")]),
        ("The bad config was pushed by Alice.", [("Alice", "agent")]),
        ("Priya's change broke checkout.", [("Priya", "owner")]),
        ("@jdoe did not review the PR carefully.", [("@jdoe", "judged")]),
        ("Mei Lin was careless with the context.", [("Mei Lin", "judged")]),
        ("Bob's sloppiness let it through.", [("Bob", "judged")]),
        (
            "@rpatel and @jlee push the change that breaks checkout",
            [("@rpatel", "subject"), ("@jlee", "subject")],
        ),
    ],
)
def test_cause_frames(text: str, expected: list[tuple[str, str]]) -> None:
    assert _frames(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Alice deployed the config change.",  # who did what, no fault
        "Mei Lin updated the status page 20 minutes after the alert.",
        "Bob fixed the typo that broke the namespace.",  # a recovery
        "@krzyzacy rolled Prow back to the version before the bug.",
        "Hannah deploys the hotfix for the broken login page.",
        "The on-call engineer pushed a bad config.",  # a role
        "I ran the script on the wrong cluster by mistake.",  # owning up
        "Min's PR commit 441f5ea.",
    ],
)
def test_mentions_that_are_not_causes(text: str) -> None:
    assert _frames(text) == []


def test_in_a_root_cause_any_causal_action_counts() -> None:
    assert _frames("Amara lowered the pool maximum.") == []
    assert _frames("Amara lowered the pool maximum.", strict=True) == [("Amara", "subject")]


def test_lemmas_of_inflected_verbs() -> None:
    verbs = frozenset({"ship", "break", "apply", "run", "commit"})
    for word in ("shipped", "breaks", "broke", "applies", "ran", "committed", "shipping"):
        assert lemma_in(word, verbs), word
    assert not lemma_in("noticed", verbs)


def test_self_judgement_is_first_person_singular() -> None:
    text = "I was careless. We were careless. That was stupid of me."
    assert about_self(text, 6, 14)
    assert not about_self(text, 25, 33)
    assert about_self(text, 43, 49)


@pytest.mark.timeout(60)
def test_a_huge_sentence_of_names_is_read_in_linear_time() -> None:
    # Each person reads a bounded window around it; reading the rest of the sentence made
    # this quadratic (minutes, not seconds).
    text = "Alice " * 20000 + "broke it."
    assert len(list(blames(text, frozenset(), strict=True))) >= 1
