"""Language the blameless method avoids, found in prose: the terms (`vocab_terms.py`) of each
kind compiled into one pattern, and the reading that keeps a finding honest.

Each term belongs to a *kind*, read by one rule: `blame` (BL001), `hindsight` (BL002),
`moralising` (WH002), `personal-action` (AC009) and `vague-action` (AC011). Teams add terms and
switch built-in ones off in config. A use that rejects the term ("this is not a matter of human
error", "rather than reviewing more carefully") or quotes it is not a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from hindsight.core.checks.people import given_names
from hindsight.core.checks.text import words
from hindsight.core.checks.vocab_terms import (
    DEFAULT_TERMS,
    HUMAN_ERROR,
    JUDGEMENT_ROOTS,
    KINDS,
    Term,
    family,
)

# The terms' names are read from here too: one import for the rules and the options.
__all__ = [
    "DEFAULT_TERMS",
    "HUMAN_ERROR",
    "JUDGEMENT_ROOTS",
    "KINDS",
    "Hit",
    "Term",
    "Vocabulary",
    "family",
    "vocabulary",
]


# Who can be judged: pronouns and roles (given names and header people are added per call).
PERSON_WORDS = frozenset(
    words(
        """
    i you he she someone somebody engineer engineers operator operators developer
    developers dev devs reviewer reviewers responder responders on-call oncall oncaller
    admin administrator author person people user manager maintainer maintainers employee
    staff sre sres team member members owner
    """
    )
)
_SKIPPED_BEFORE = frozenset(
    ["also", "then", "simply", "just", "had", "has", "have", "all", "both", "clearly", "really"]
)
_PARTICIPLE = re.compile(
    r"\s*(?:not\s+)?(?:been|known|seen|done|caught|taken|given|run|gone|written|made|"
    r"thought|put|set|kept|read|found|held|got|gotten|chosen|spoken|shown|\w+ed)\b",
    re.IGNORECASE,
)

# A term preceded (in its clause) by one of these rejects rather than asserts it.
_NEGATION = re.compile(
    r"\b(?:not|no|never|nor|neither|without|nobody|no\s+one|rather\s+than|instead\s+of|avoid\w*|"
    r"beyond|far\s+from|less\s+about|isn't|wasn't|aren't|weren't|don't|doesn't|didn't|"
    # a mention of the word rather than a use: "calling it human error", "words like …"
    r"call(?:ing|ed|s)?\s+(?:it|this|that|them)|the\s+(?:phrase|term|word|label)|"
    r"(?:words?|terms?|phrases?|labels?)\s+like|"
    r"isn’t|wasn’t|don’t|doesn’t|didn’t)\b",
    re.IGNORECASE,
)
_NOBODY_AFTER = re.compile(r"\s+(?:no\s+one|no-one|nobody)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\[\]—–|]|\s-\s|\bbut\b|\n\s*\n", re.IGNORECASE)
_NEGATION_WORDS = 6


def _normal(text: str) -> str:
    return " ".join(text.replace("’", "'").casefold().split())


def _trie_pattern(terms: list[str]) -> str:
    """One regex for all terms, factored as a character trie: Python's `re` tries the
    alternatives of a flat alternation one by one at every position, a trie only the branches
    that share the text's prefix. Longer terms win over their prefixes, as before."""
    trie: dict[str, Any] = {}
    for term in terms:
        node = trie
        for char in " ".join(term.split()):
            node = node.setdefault(char, {})
        node[""] = term
    return _emit(trie, top=True)


def _emit(node: dict[str, Any], *, top: bool = False) -> str:
    branches: list[str] = []
    for char in sorted(k for k in node if k):
        piece = r"\s+" if char == " " else "['’]" if char == "'" else re.escape(char)
        if top and char[0].isalnum():
            piece = r"\b" + piece
        branches.append(piece + _emit(node[char]))
    if "" in node:  # a term ends here: after every longer continuation has been tried
        branches.append(r"\b" if node[""][-1].isalnum() else "")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def is_rejected(text: str, start: int, end: int) -> bool:
    """True when the words at text[start:end] are negated or quoted in their clause."""
    before = text[max(0, start - 200) : start]
    pieces = _CLAUSE_BREAK.split(before)
    clause = pieces[-1] if pieces else before
    words = clause.split()[-_NEGATION_WORDS:]
    if _NEGATION.search(" ".join(words)):
        return True
    if _NOBODY_AFTER.match(text, end):  # "we blamed no one"
        return True
    return _quoted(text, start, end)


def _quoted(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before, after = text[line_start:start], text[end:line_end]
    if before.count("“") > before.count("”") and "”" in after:
        return True
    if before.count('"') % 2 == 1 and '"' in after:
        return True
    if before.count("`") % 2 == 1 and "`" in after:
        return True
    return bool(
        re.search(r"(?:^|\s)['‘]\S*$", before) and re.match(r"\S*['’](?:\s|$|[.,;])", after)
    )


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int
    end: int


class Vocabulary:
    """Compiled terms of one kind: one alternation, longest terms first."""

    def __init__(self, terms: Iterable[Term]) -> None:
        by_text: dict[str, Term] = {}
        for term in terms:
            by_text.setdefault(_normal(term.term), term)
        self._terms = by_text
        ordered = sorted(by_text, key=len, reverse=True)
        # A lookahead on the possible first letters rejects most positions before the
        # alternation is tried: much faster over long prose.
        firsts = sorted(
            {c for t in ordered for c in (t[0], t[0].upper(), "’" if t[0] == "'" else t[0])}
        )
        first = "[" + "".join(re.escape(c) for c in firsts) + "]"
        # Every term starts at a word boundary ("'s fault" too, after its word): testing it
        # first skips the positions inside words, most of the text, at once.
        boundary = r"\b" if all(t[0].isalnum() or t[0] == "'" for t in ordered) else ""
        source = rf"{boundary}(?={first})(?:{_trie_pattern(ordered)})" if ordered else r"(?!x)x"
        self._regex = re.compile(source, re.IGNORECASE)

    def __len__(self) -> int:
        return len(self._terms)

    def find(
        self, text: str, *, people: frozenset[str] = frozenset(), keep_rejected: bool = False
    ) -> Iterator[Hit]:
        """Uses of the terms in `text`; `people` are casefolded names that count as persons."""
        for match in self._regex.finditer(text):
            term = self._terms.get(_normal(match.group(0)))
            if term is None:
                continue
            start, end = match.start(), match.end()
            if term.person_subject and not _person_before(text[max(0, start - 80) : start], people):
                continue
            if term.participle and not _PARTICIPLE.match(text, end):
                continue
            if term.not_followed and re.match(term.not_followed, text[end:], re.IGNORECASE):
                continue
            if not keep_rejected and is_rejected(text, start, end):
                continue
            yield Hit(term, start, end)


def _person_before(before: str, people: frozenset[str]) -> bool:
    words = re.findall(r"[\w'’-]+", re.split(r"[.|]|\n\s*\n", before)[-1])
    while words and words[-1].casefold() in _SKIPPED_BEFORE:
        words.pop()
    if not words:
        return False
    last = words[-1].casefold().removesuffix("'s").removesuffix("’s")
    if last in PERSON_WORDS or last in people:
        return True
    return words[-1][:1].isupper() and last in given_names()


@lru_cache(maxsize=64)
def vocabulary(
    kind: str, extra: tuple[Term, ...] = (), disabled: tuple[str, ...] = ()
) -> Vocabulary:
    """The terms of `kind`: built-ins plus `extra`, minus `disabled` (any case)."""
    off = {_normal(d) for d in disabled}
    for root in JUDGEMENT_ROOTS:  # switching a judgement off switches its family off
        if root in off:
            off.update(family(root))
    chosen = [t for t in (*extra, *DEFAULT_TERMS) if t.kind == kind and _normal(t.term) not in off]
    return Vocabulary(chosen)
