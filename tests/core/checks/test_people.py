"""People found without a list of their names, and roles told apart from them."""

from __future__ import annotations

from hindsight.core.checks.people import given_names, header_people, is_role, people_in


def _names(text: str, known: frozenset[str] = frozenset()) -> list[tuple[str, str, bool]]:
    return [(p.name, p.how, p.possessive) for p in people_in(text, known)]


def test_given_names_come_from_the_census_package_without_english_words() -> None:
    names = given_names()
    assert len(names) > 4000  # the `names` package's lists, not only our own few
    assert {"marcus", "nadia", "derek", "priya", "tomás"} <= names
    assert not {"will", "may", "grant", "june", "travis", "in", "see"} & names


def test_handles_usernames_header_and_given_names() -> None:
    known = frozenset({"mei lin", "mei"})
    found = _names("Mei Lin paged @kwong; the user farmer_42 left and Derek's PR merged.", known)
    assert found == [
        ("Mei Lin", "header", False),
        ("@kwong", "handle", False),
        ("farmer_42", "username", False),
        ("Derek", "given name", True),
    ]


def test_capitalised_words_that_are_not_people() -> None:
    assert _names("Will the rollback work? May deployments froze. Travis CI deployed.") == []
    assert _names("Grant money paid for it.") == []
    # The price of leaving English words out: a colleague called Grant is not recognised
    # unless the header lists him.
    assert _names("Grant pushed the change.") == []
    assert _names("Grant pushed the change.", frozenset({"grant"})) == [("Grant", "header", False)]
    assert _names("email me@example.com or see docs.example.com/@team") == []


def test_possessives() -> None:
    assert _names("Jonas' change and Derek's PR") == [
        ("Jonas", "given name", True),
        ("Derek", "given name", True),
    ]
    found = list(people_in("We told Don't-panic Don not to, but Don't overwrite", frozenset()))
    assert found and not any(p.possessive for p in found)


def test_a_sentence_opening_given_name_needs_a_verb() -> None:
    assert _names("Nadia did not test it.") == [("Nadia", "given name", False)]
    assert _names("Nadia.") == []


def test_roles_are_not_people() -> None:
    assert is_role(["the", "on-call", "engineer"])
    assert is_role(["a", "release", "engineer"])
    assert not is_role(["the", "deploy"])
    assert _names("The on-call engineer deployed a bad config.") == []


def test_header_people_take_names_and_handles() -> None:
    assert header_people(["Priya Raman, @matanlurey", "[Katharine Berry]"]) == {
        "Priya Raman",
        "Priya",
        "@matanlurey",
        "Katharine Berry",
        "Katharine",
    }
