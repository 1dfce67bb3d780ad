"""Finding people in prose: names from the header, @-mentions, given names before causal verbs.

The blameless method names roles and systems as causes, never individuals. A person is
recognised three ways, most certain first: a name listed in Incident team / Author / Reviewers,
an @-mention, or a common given name (a built-in list) as the subject of a causal verb.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hindsight.core.checks.text import words

# Verbs that make their subject the cause of something ("Alice deployed", "Bob forgot").
CAUSAL_VERBS = frozenset(
    words(
        """
    deployed pushed merged forgot missed broke caused ran deleted dropped changed
    misconfigured introduced overlooked ignored approved typed executed removed shipped
    committed released triggered disabled skipped neglected failed botched mistyped forgot
    overwrote misread accidentally mistakenly wrongly erroneously applied rolled updated
    upgraded wiped truncated
    """
    )
)

GIVEN_NAMES = frozenset(
    words(
        """
    aaron adam adrian ahmed aisha alan albert alex alexander alexandra alice alicia amanda
    amara amy ana andrea andrew andy angela anna anne anthony antonio arjun ben benjamin
    beth bill bob brad brandon brian bruce carl carlos carol caroline charles charlie chen
    chris christina christopher claire craig dan daniel dave david deepak diana diego dmitri
    dylan ed eduardo elena eli elizabeth ella emily emma eric erik eva evan fatima felix
    frank fred gabriel gary george grace greg hannah hans harry heather helen henry hiro ian
    igor isaac ivan jack jacob jake james jamie jan jane jason javier jeff jennifer jenny
    jessica jim joe john jon jonas jordan jose joseph josh juan julia julie justin karen
    kate katie kevin kim kyle laura lauren leo linda lisa liam lucas lucy luis maria mark
    martin mary matt matthew max mei michael michelle mike mohammed nadia natalie nathan
    neil nick nicole nina noah olga oliver olivia omar oscar pablo patrick paul pedro peter
    phil priya rachel rahul raj ravi rebecca richard rick rob robert ryan sam samantha
    sandra sara sarah scott sean sergey simon sophie stephen steve steven susan tanya ted
    thomas tim tom tomas tony trent victor vikram wei will william yuki zoe
    """
    )
)

# Capitalised words that start sentences or name things, never people.
_NOT_PEOPLE = frozenset(
    words(
        """
    the a an we it this that they he she i our ci cd nobody someone somebody everyone
    """
    )
)

_LEADING = frozenset(
    words("because when then and but so after since while if as meanwhile later also the")
)
_MENTION = re.compile(r"(?<![\w@/.])@([A-Za-z0-9][A-Za-z0-9_-]{1,38})\b")
_WORD = r"[A-Z][a-zà-ÿ]+(?:[-'][A-Z][a-zà-ÿ]+)?"
_SUBJECT_VERB = re.compile(
    rf"(?P<subject>{_WORD}(?:\s+{_WORD})?|@[A-Za-z0-9][A-Za-z0-9_-]+)"
    r"\s+(?:(?:accidentally|mistakenly|then|also|had|has|never|just)\s+)?"
    r"(?P<verb>[a-z]+)\b"
)
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b|\+)\s*")


@dataclass(frozen=True)
class Mention:
    name: str
    start: int
    end: int
    verb: str | None
    confidence: float


def header_people(values: Iterable[str]) -> frozenset[str]:
    """Full and first names, as written, out of header values like "Priya Raman, Tomás Ortega"."""
    out: set[str] = set()
    for value in values:
        for part in _SPLIT.split(re.sub(r"\([^)]*\)", "", value)):
            part = part.strip(" *_<>")
            words = [w for w in part.split() if w[:1].isupper() and "@" not in w]
            if not words or len(words) > 4 or part.startswith(("http", "<")):
                continue
            out.add(" ".join(words))
            if len(words[0]) > 2:
                out.add(words[0])
    return frozenset(out)


def mentions(text: str) -> Iterator[Mention]:
    for match in _MENTION.finditer(text):
        yield Mention("@" + match.group(1), match.start(), match.end(), None, 0.9)


def causal_subjects(text: str, known_keys: frozenset[str]) -> Iterator[Mention]:
    """People as the subject of a causal verb: "Alice deployed …", "@bob forgot …".

    `known_keys` are the casefolded names of the header's people."""
    for match in _SUBJECT_VERB.finditer(text):
        verb = match.group("verb")
        if verb not in CAUSAL_VERBS:
            continue
        subject = match.group("subject")
        start = match.start("subject")
        first_word, _, rest = subject.partition(" ")
        if rest and first_word.casefold() in _LEADING:  # "Because Bob merged it"
            subject, start = rest, start + len(first_word) + 1
        key = subject.casefold()
        first = key.split()[0]
        if subject.startswith("@"):
            confidence = 0.9
        elif key in known_keys or first in known_keys:
            confidence = 0.95
        elif first in GIVEN_NAMES and first not in _NOT_PEOPLE:
            confidence = 0.75
        else:
            continue
        yield Mention(subject, start, match.end("subject"), verb, confidence)


def named(text: str, known: frozenset[str]) -> Iterator[Mention]:
    """Any mention of a header person (full or first name, as capitalised) as a whole word."""
    if not known:
        return
    pattern = _known_pattern(known)
    for match in pattern.finditer(text):
        yield Mention(match.group(0), match.start(), match.end(), None, 0.85)


_PATTERNS: dict[frozenset[str], re.Pattern[str]] = {}


def _known_pattern(known: frozenset[str]) -> re.Pattern[str]:
    found = _PATTERNS.get(known)
    if found is None:
        names = sorted(known, key=len, reverse=True)
        found = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
        if len(_PATTERNS) > 256:
            _PATTERNS.clear()
        _PATTERNS[known] = found
    return found
