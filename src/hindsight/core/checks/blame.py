"""Cause, not mention: when a sentence makes a named person the cause or the fault.

Naming who did what is fine ("@kim rolls back the deploy"); a person is a finding when the
clause makes them the cause: the subject of the faulty action ("Alice pushed a bad config"),
the agent of a passive ("the bad config was pushed by Alice"), the owner in a possessive
("Alice's change broke checkout") or the object of a judgement ("@bob did not review it
carefully"). An action is faulty by its verb ("broke", "forgot") or by what the clause says
about it ("a *bad* config", "*without review*"); in a root cause any causal action counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from hindsight.core.checks.people import Person, is_role, people_in
from hindsight.core.checks.text import words
from hindsight.core.checks.vocab import is_rejected

# Verbs faulty in themselves.
FAULT_VERBS = frozenset(
    words(
        """
    break cause forget miss misconfigure overlook ignore neglect botch mistype misread
    overwrite introduce skip bypass rubber-stamp fat-finger mess screw misjudge misunderstand
    misinterpret mislabel corrupt leak brick nuke
    """
    )
)
# Actions that cause when the clause says they were faulty.
ACTION_VERBS = frozenset(
    words(
        """
    deploy push merge ship release apply run execute change edit update upgrade modify
    configure set enable disable delete remove drop truncate wipe approve commit publish roll
    trigger restart kill terminate rename move migrate write type paste copy force-push
    reboot replace switch turn lower raise reduce increase bump flip toggle add create
    start stop schedule submit destroy take bring send transfer make do use
    """
    )
)
# Checks whose omission is a fault: "Alice did not review it".
CHECK_VERBS = frozenset(
    words(
        """
    review test check verify notice read follow validate run confirm look ask wait catch
    escalate tell communicate document update see
    """
    )
)
# Nouns of things a person makes: "Alice's change", "the deploy by Bob".
CHANGE_NOUNS = frozenset(
    words(
        """
    change changes commit commits pr prs config configuration deploy deployment push merge
    script code patch edit update migration command query typo rollout release branch
    decision approval review upgrade work action actions query queries
    """
    )
)
_IRREGULAR = {
    "broke": "break",
    "broken": "break",
    "ran": "run",
    "forgot": "forget",
    "forgotten": "forget",
    "wrote": "write",
    "written": "write",
    "took": "take",
    "taken": "take",
    "brought": "bring",
    "overwrote": "overwrite",
    "overwritten": "overwrite",
    "made": "make",
    "did": "do",
    "done": "do",
    "sent": "send",
    "mistook": "mistake",
    "misunderstood": "misunderstand",
    "upset": "upset",
}

# Judgements of care, competence or character: the stems of the word families in vocab.
JUDGEMENT = re.compile(
    r"\b(?:careless\w*|uncareful\w*|sloppi\w*|sloppy|reckless\w*|negligen\w*|incompeten\w*|"
    r"irresponsib\w*|inattenti\w*|thoughtless\w*|clueless\w*|stupid\w*|dumb|foolish\w*|"
    r"idiot\w*|lazy|laziness|lazily|inexperienc\w*|unprofessional\w*|amateur\w*|hast(?:y|ily)|"
    r"distracted|too\s+(?:quickly|fast|hastily)|in\s+a\s+hurry|blindly|"
    r"without\s+(?:looking|reading|thinking|care|checking)|rubber[- ]stamp\w*)",
    re.IGNORECASE,
)
# Omitted care: "did not review it carefully", "never looked closely", "wasn't careful".
_CARE = re.compile(
    r"\b(?:carefully|closely|thoroughly|properly|(?:close|enough|proper|due)\s+attention|"
    r"careful|attentive|diligent\w*|enough\s+care|enough\s+time)\b",
    re.IGNORECASE,
)
_NEGATED = re.compile(
    r"\b(?:did\s+not|didn['’]t|never|was\s+not|wasn['’]t|were\s+not|weren['’]t|had\s+not|"
    r"hadn['’]t|failed\s+to|not)\b",
    re.IGNORECASE,
)
_FAULT_ADVERBS = frozenset(
    words(
        """
    accidentally mistakenly carelessly inadvertently unintentionally wrongly incorrectly
    erroneously hastily recklessly sloppily blindly unknowingly negligently
    """
    )
)
_MARKER = re.compile(
    r"\b(?:bad|wrong|wrongly|broken|broke|breaks|breaking|faulty|incorrect(?:ly)?|buggy|bugs?|"
    r"typos?|mistakes?|mistaken(?:ly)?|by\s+mistake|by\s+accident|accidental(?:ly)?|"
    r"inadvertent(?:ly)?|unintentional(?:ly)?|erroneous(?:ly)?|careless(?:ly)?|hast(?:y|ily)|"
    r"untested|unreviewed|unverified|invalid|malformed|"
    r"without\s+(?:a\s+)?(?:review|testing|tests|checking|checks?|looking|approval|asking|"
    r"telling|running|verifying|reading)\w*|"
    r"caus(?:e|ed|es|ing)|led\s+to|leading\s+to|result(?:ed|ing)?\s+in|"
    r"(?:took|take|takes|brought|bring|brings)\s+(?:\w+\s+){0,3}down|knock(?:ed|s)?\s+out)\b",
    re.IGNORECASE,
)
_REMEDIAL = re.compile(
    r"\b(?:(?:hot)?fix\w*|roll(?:ed|s|ing)?\s+(?:it\s+|\w+\s+)?back|rollback|revert\w*|mitigat\w*|"
    r"restor\w*|recover\w*|resolv\w*)\b",
    re.IGNORECASE,
)
_REMEDIAL_VERBS = frozenset(
    words(
        """
    fix report resolve notice find detect revert mitigate escalate acknowledge investigate
    diagnose spot flag confirm catch page restore help handle lead coordinate write author
    file open raise own assign triage discover identify tag ping mention thank credit
    """
    )
)
_ADVERBS = re.compile(
    r"\s*(?:\([^)]*\)\s*)?(?P<adverbs>(?:(?:[a-z]+ly|then|also|just|had|has|have|never|again|"
    r"still|later|once|did\s+not|didn['’]t|had\s+not|hadn['’]t|failed\s+to|forgot\s+to|"
    r"neglected\s+to|decided\s+to|tried\s+to|went\s+ahead\s+and)\s+)*)"
    r"(?P<verb>[a-z][a-z-]*)\b"
)
# How far around a person a clause is read: sentences are short, pathological text is not.
_WINDOW = 240
_GROUP_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+|&\s*|\+\s*)$")
_BY = re.compile(r"(?P<word>[A-Za-z][a-z-]*)\s+by\s+$")
_SENTENCE = re.compile(r"[^.!?;|\n]+(?:[.!?;|\n]+|$)")
_SELF = frozenset(["i", "i'm", "i’m", "i've", "i’ve", "me", "my", "myself", "mine"])


# Every frame needs one of these words in the text; most prose has none, so one C-level
# search skips it (a root cause or a why answer, where any causal action counts, is not
# skipped).
_TRIGGER = re.compile(
    "|".join(
        [
            _MARKER.pattern,
            JUDGEMENT.pattern,
            _NEGATED.pattern,
            r"\b(?:forg[eo]t|fail|neglect|mistake|fault|error|"
            + "|".join(sorted(v[:5] for v in FAULT_VERBS | _FAULT_ADVERBS))
            + ")",
        ]
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Blame:
    """A named person made the cause or the fault by one clause."""

    person: Person
    frame: str  # "subject", "agent", "owner" or "judged"
    evidence: str  # the words that make it a fault: the verb, the marker, the judgement
    sentence: str
    sentence_start: int
    confidence: float
    group: tuple[int, int]  # where the people acting together are, in the text


def lemma_in(word: str, lemmas: frozenset[str]) -> bool:
    """Whether an inflected verb ("pushed", "breaks", "shipping", "broke") has its lemma in."""
    word = word.casefold()
    candidates = {word, _IRREGULAR.get(word, word)}
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("es", ""), ("s", ""), ("ed", ""), ("d", "")):
        if word.endswith(suffix):
            candidates.add(word[: -len(suffix)] + repl)
    if word.endswith("ing"):
        candidates.update({word[:-3], word[:-3] + "e"})
    for cand in list(candidates):  # shipped → shipp → ship
        if len(cand) > 3 and cand[-1] == cand[-2]:
            candidates.add(cand[:-1])
    return not candidates.isdisjoint(lemmas)


def blames(text: str, known_keys: frozenset[str], *, strict: bool = False) -> Iterator[Blame]:
    """Clauses of `text` that make a named person the cause or the fault.

    `strict`: the text is a cause by its place (a root cause, a why answer), so any causal
    action of a person counts, not only one the clause calls faulty."""
    if not strict and not _TRIGGER.search(text):
        return
    for sentence_match in _SENTENCE.finditer(text):
        sentence = sentence_match.group(0)
        if not re.search(r"[A-Z@_]", sentence):
            continue
        offset = sentence_match.start()
        found = list(people_in(sentence, known_keys))
        groups = _groups(sentence, found)
        for group in groups:
            if is_rejected(sentence, group[0].start, group[-1].end):
                continue  # "not 'Alice pushed a bad config'", "it wasn't Bob who…"
            hit = _blame_group(sentence, group, strict)
            if hit is None:
                continue
            frame, evidence, confidence = hit
            for person in group:
                moved = Person(
                    person.name,
                    person.start + offset,
                    person.end + offset,
                    person.how,
                    person.confidence,
                    person.possessive,
                )
                span = (group[0].start + offset, group[-1].end + offset)
                yield Blame(
                    moved,
                    frame,
                    evidence,
                    sentence,
                    offset,
                    min(person.confidence, confidence),
                    span,
                )


def _groups(sentence: str, found: list[Person]) -> list[list[Person]]:
    """People joined by "and" or commas ("Alice and Bob merged") act as one subject."""
    out: list[list[Person]] = []
    for person in found:
        if out and _GROUP_GAP.match(sentence[out[-1][-1].end : person.start]):
            out[-1].append(person)
        else:
            out.append([person])
    return out


def _blame_group(sentence: str, group: list[Person], strict: bool) -> tuple[str, str, float] | None:
    first, last = group[0], group[-1]
    before_words = sentence[: first.start].split()
    if is_role(before_words[-1:]) and first.how == "given name":
        return None  # "the engineer Grant" is rare; "Engineer Sam" reads as a role label
    rest = sentence[last.end : last.end + _WINDOW]
    judged = _judged(sentence, first, last)
    if last.possessive:
        return _owner(sentence, first.start, rest, strict) or judged
    subject = _subject(rest, strict)
    if subject is not None:
        return subject
    agent = _agent(sentence, first, strict)
    return agent or judged


def _subject(rest: str, strict: bool) -> tuple[str, str, float] | None:
    match = _ADVERBS.match(rest)
    if match is None:
        return None
    adverbs = match.group("adverbs").casefold().split()
    verb = match.group("verb")
    clause = rest[match.end() :]
    negated = bool(_NEGATED.search(match.group("adverbs")))
    omitted = re.search(r"(?:forgot|failed|neglected)\s+to", match.group("adverbs"))
    if omitted and (lemma_in(verb, ACTION_VERBS) or lemma_in(verb, CHECK_VERBS)):
        return ("subject", f"{omitted.group(0)} {verb}", 0.85)
    if negated and lemma_in(verb, CHECK_VERBS):
        if _CARE.search(clause[:80]):
            return ("judged", f"{verb} … not carefully", 0.85)
        return ("subject", f"did not {verb}", 0.8)
    if lemma_in(verb, _REMEDIAL_VERBS):
        return None
    if lemma_in(verb, FAULT_VERBS) and not negated:
        return ("subject", verb, 0.9)
    if not lemma_in(verb, ACTION_VERBS) or negated:
        return None
    if re.match(r"\s+(?:\S+\s+){0,2}back\b", clause):
        return None  # "rolled back", "rolled Prow back": a recovery
    if _REMEDIAL.search(clause):
        return None
    fault_adverb = next((a for a in adverbs if a in _FAULT_ADVERBS), None)
    if fault_adverb:
        return ("subject", f"{fault_adverb} {verb}", 0.9)
    marker = _MARKER.search(clause)
    if marker:
        return ("subject", f"{verb} … {marker.group(0)}", 0.8)
    if strict:
        return ("subject", verb, 0.75)
    return None


def _agent(sentence: str, first: Person, strict: bool) -> tuple[str, str, float] | None:
    match = _BY.search(sentence[max(0, first.start - 40) : first.start])
    if match is None:
        return None
    word = match.group("word")
    if lemma_in(word, _REMEDIAL_VERBS):
        return None
    if lemma_in(word, FAULT_VERBS):
        return ("agent", f"{word} by", 0.85)
    if not (lemma_in(word, ACTION_VERBS) or word.casefold() in CHANGE_NOUNS):
        return None
    if _REMEDIAL.search(sentence, max(0, first.start - _WINDOW), first.end + _WINDOW):
        return None
    marker = _MARKER.search(sentence, max(0, first.start - _WINDOW), first.end + _WINDOW)
    if marker:
        return ("agent", f"{word} by … {marker.group(0)}", 0.8)
    if strict:
        return ("agent", f"{word} by", 0.75)
    return None


def _owner(sentence: str, start: int, rest: str, strict: bool) -> tuple[str, str, float] | None:
    head = rest.split()[:4]
    judgement = JUDGEMENT.match(rest.lstrip())
    if judgement or (head and head[0].casefold().strip(",.") in ("mistake", "fault", "error")):
        return ("judged", (judgement.group(0) if judgement else head[0]), 0.9)
    nouns = [w for w in head if w.casefold().strip(",.()") in CHANGE_NOUNS]
    if not nouns or _REMEDIAL.search(rest):
        return None
    around = sentence[max(0, start - _WINDOW) : start] + " " + rest
    marker = _MARKER.search(around) or next(
        (m for m in re.finditer(r"\b[a-z]+\b", rest) if lemma_in(m.group(0), FAULT_VERBS)), None
    )
    if marker:
        return ("owner", f"'s {nouns[0]} … {marker.group(0)}", 0.8)
    if strict:
        return ("owner", f"'s {nouns[0]}", 0.75)
    return None


def _judged(sentence: str, first: Person, last: Person) -> tuple[str, str, float] | None:
    """The person is the object of a judgement in their clause."""
    clause = re.split(r"[,;:]|\bbut\b|\bwhich\b", sentence[last.end : last.end + _WINDOW])[0]
    be = re.match(
        r"\s*(?:was|were|is|are|been|got|being|seemed|looked)\s+(?:(?:\w+ly|too|so|very|a\s+bit"
        r"|being|not\s+being)\s+)*",
        clause,
    )
    if be:
        judgement = JUDGEMENT.match(clause, be.end())
        if judgement:
            return ("judged", judgement.group(0), 0.9)
        care = re.match(
            r"(?:not|n['’]t)\s+(?:\w+\s+)?(?:careful|attentive|paying\s+attention)",
            clause[be.end() :],
        )
        if care:
            return ("judged", "not careful", 0.85)
    if re.match(
        r"\s*(?:wasn['’]t|was\s+not|weren['’]t|were\s+not|isn['’]t|is\s+not)\s+(?:\w+\s+)?"
        r"(?:careful|paying\s+attention|attentive|thorough)",
        clause,
    ):
        return ("judged", "not careful", 0.85)
    match = JUDGEMENT.search(clause)
    if match and not _REMEDIAL.search(clause[: match.start()]):
        return ("judged", match.group(0), 0.85)
    before = sentence[max(0, first.start - 40) : first.start]
    if re.search(r"(?:of|by|from)\s+$", before) and JUDGEMENT.search(before):
        found = JUDGEMENT.search(before)
        return ("judged", found.group(0) if found else "", 0.85)
    return None


def about_self(text: str, start: int, end: int) -> bool:
    """Whether the words at text[start:end] judge the author ("I was careless", "stupid of
    me", "my own sloppiness"): first person singular, not the team's "we"."""
    clause = re.split(r"[.;:!?,]|\n|\bbut\b", text[max(0, start - 60) : start])[-1]
    before = [w.strip("'’\"").casefold() for w in clause.split()[-5:]]
    after = re.split(r"[.;:!?,]|\n", text[end : end + 30])[0].casefold().split()[:3]
    return not _SELF.isdisjoint(before) or bool(set(after) & {"me", "me.", "my", "myself"})
