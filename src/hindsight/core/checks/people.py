"""Finding people in prose without a list of their names, and telling them apart from roles.

A person is recognised four ways, most certain first: a name listed in Incident team / Author
/ Reviewers, an @handle, a username introduced as one ("user farmer_42"), or a capitalised
given name from the maintained census list the `names` package ships (plus a few names it
lacks). Given names that are also English words ("Will", "May", "Grant") are left out. Roles
("the on-call engineer", "a release engineer") are not people: the method asks for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from hindsight.core.checks.text import words

# Names the census list lacks (it is US-centred), recognised when capitalised.
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
    martin mary matt matthew max maxima mei michael michelle mike mohammed nadia natalie nathan
    neil nick nicole nina noah olga oliver olivia omar oscar pablo patrick paul pedro peter
    phil priya rachel rahul raj ravi rebecca richard rick rob robert ryan sam samantha
    sandra sara sarah scott sean sergey simon sophie stephen steve steven susan tanya ted
    thomas tim tom tomas tomás tony trent victor vikram wei william yuki zoe angus georgiana
    sarika yuvi katharine amir jakub andre ahmad mohamed
    """
    )
)

# Census given names that are also common English words, months, places or tools: a
# capitalised "Will" or "May" starts a sentence far more often than it names someone.
_AMBIGUOUS = frozenset(
    words(
        """
    ai al alpha amber an angel angle april argentina art august autumn bee bell berry
    blossom bo brain burma candy carry chance chase cherry chi chia china clay conception
    coral crystal dawn del dell delta diamond dominica dot drew earl echo else era faith
    fairy fe forest france gene genie georgia german golden grace grant guy ha hang hazel
    heaven holly hope hue hunter in india iris israel ivory ivy ja jade january jasper joy
    june kenya king lane lang le lean len les li lily long love ma mac major man manual many
    maple mark mason may meta mi min miss moon my na nan newton nu numbers ok olive omega pa
    page pat pearl peg ping precious prince princess red rich robin rocky rod roman rose
    royal ruby rusty sage sal santa see september so sol song sonny soon sparkle spring star
    sterling stormy su summer sun sunday sunny temple tiny travis trinity tu ty un unique van
    vi walker ward will winter wm young julia ada bill forest chip buck dusty lu
    """
    )
)
# Words a role is built on: "the on-call engineer", "a 2i2c engineer", "employee two".
ROLE_NOUNS = frozenset(
    words(
        """
    engineer engineers operator operators developer developers dev devs reviewer reviewers
    responder responders on-call oncall oncaller admin admins administrator author user users
    manager maintainer maintainers employee employees staff sre sres member members owner
    lead commander contributor contributors person people team teams attacker impersonator
    """
    )
)

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
_WORD = r"[A-ZÀ-Þ][a-zà-ÿ]+(?:[-'][A-Z][a-zà-ÿ]+)?"
_SPLIT = re.compile(r"\s*(?:,|;|/|&|\band\b|\+)\s*")
# A person: an @handle, a username introduced as one, or one to three capitalised words.
_PERSON = re.compile(
    r"(?<![\w@/.`])@(?P<handle>[A-Za-z0-9][A-Za-z0-9_-]{1,38})(?![\w@.-]*\.\w)"
    r"|\b(?:user(?:name)?|account)\s*,?\s+`?(?P<user>[a-z0-9][a-z0-9._-]*[_0-9][a-z0-9._-]*)`?"
    rf"|(?<![\w@/.-])(?P<name>{_WORD}(?:\s+(?:de\s+|van\s+|von\s+)?{_WORD}){{0,2}})"
)
# A lone capitalised given name opening a sentence is a name when a verb follows it.
_VERB_AFTER = re.compile(
    r"\s+(?:[a-z]+ly\s+)?(?:[a-z]+(?:ed|s)|did|didn['’]t|never|forgot|broke|ran|wrote|took|"
    r"was|wasn['’]t|were|had|made|set|put|left|sent|and\s+[A-Z@])\b"
)
# "Alice's", "Jonas'": not the apostrophe of "Don't".
_POSSESSIVE = re.compile(r"['’]s\b|(?<=s)['’](?!\w)")


@dataclass(frozen=True)
class Person:
    """A named individual in a text; `end` is past the name (and past a possessive 's)."""

    name: str
    start: int
    end: int
    how: str  # "header", "handle", "username" or "given name"
    confidence: float
    possessive: bool = False


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Casefolded given names: the `names` package's census lists, ours, less the ambiguous."""
    out = set(GIVEN_NAMES)
    package = resources.files("names")
    for name in ("dist.male.first", "dist.female.first"):
        for line in package.joinpath(name).read_text("utf-8").splitlines():
            first = line.split(maxsplit=1)
            if first:
                out.add(first[0].casefold())
    return frozenset(out - _AMBIGUOUS)


def header_people(values: Iterable[str]) -> frozenset[str]:
    """Full and first names, as written, out of header values like "Priya Raman, Tomás Ortega"."""
    out: set[str] = set()
    for value in values:
        for part in _SPLIT.split(re.sub(r"\([^)]*\)", "", value)):
            part = part.strip(" *_<>[]")
            if part.startswith("@") and len(part) > 2:
                out.add(part)
                continue
            found = [w for w in part.split() if w[:1].isupper() and "@" not in w]
            if not found or len(found) > 4 or part.startswith(("http", "<")):
                continue
            out.add(" ".join(found))
            if len(found[0]) > 2:
                out.add(found[0])
    return frozenset(out)


def people_in(text: str, known_keys: frozenset[str]) -> Iterator[Person]:
    """Named individuals in `text`, in order. `known_keys`: casefolded header names."""
    names = given_names()
    for match in _PERSON.finditer(text):
        end = match.end()
        owned = _POSSESSIVE.match(text, end)
        possessive = owned is not None
        after = owned.end() if owned else end
        if match.group("handle"):
            name = "@" + match.group("handle")
            yield Person(name, match.start(), after, "handle", 0.9, possessive)
            continue
        if match.group("user"):
            start = match.start("user")
            yield Person(match.group("user"), start, after, "username", 0.85, possessive)
            continue
        name, start = match.group("name"), match.start("name")
        first, _, rest = name.partition(" ")
        if rest and first.casefold() in _LEADING:  # "Because Bob merged it"
            name, start = rest, start + len(first) + 1
            first = name.split()[0]
        key = name.casefold()
        if key in known_keys or first.casefold() in known_keys:
            yield Person(name, start, after, "header", 0.95, possessive)
        elif first.casefold() in names and first.casefold() not in _NOT_PEOPLE:
            # "Grant" or "Chase" opening a sentence: a name only when a verb follows.
            lone = first == name and not possessive and _sentence_start(text, start)
            if lone and not _VERB_AFTER.match(text, after):
                continue
            yield Person(name, start, after, "given name", 0.75, possessive)


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip(" *_>-#\t0123456789.)|—–:")
    return not before or before[-1] in ".!?\n"


def is_role(words_before: list[str]) -> bool:
    """True when the last words name a role ("the on-call engineer"), not a person."""
    return bool(words_before) and words_before[-1].casefold().strip(",.") in ROLE_NOUNS
