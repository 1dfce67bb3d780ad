"""The built-in vocabulary of the blameless checks, as data: (term, message, suggestion,
confidence) per kind, the human-error family and the judgement roots whose forms are
generated. `vocab.py` compiles and matches them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

KINDS = ("blame", "hindsight", "moralising", "personal-action", "vague-action")


@dataclass(frozen=True)
class Term:
    term: str
    message: str
    suggestion: str
    confidence: float = 0.8
    kind: str = "blame"
    # Only when a person is the subject ("the engineer failed to", not "the job failed to").
    person_subject: bool = False
    # Only before a past participle ("should have caught", not "should have alerting").
    participle: bool = False
    # Not when the text after it matches this ("lazy" in "lazy-loaded" is no judgement).
    not_followed: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown vocabulary kind {self.kind!r}")
        if not self.term.strip():
            raise ValueError("empty vocabulary term")
        if not 0.0 < self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is not in (0, 1]")


def _terms(
    kind: str, confidence: float, rows: Iterable[tuple[str, str, str]], *, person: bool = False
) -> list[Term]:
    return [
        Term(t, m, s, confidence, kind, person, person and t.endswith(" have")) for t, m, s in rows
    ]


_SYSTEM = "describe what the system allowed, e.g. 'the deploy pipeline accepted the change'"
_GUARDRAIL = (
    "name the missing guardrail: which check, gate or default would have caught it, e.g. "
    "'no CI check rejects pool sizes below the load-tested minimum'"
)
# "human error" as a cause: the analysis stops where it should start.
HUMAN_ERROR = (
    "human error",
    "human errors",
    "operator error",
    "user error",
    "pilot error",
    "human mistake",
    "manual error",
    "people error",
    "pebkac",
    "fat-finger",
    "fat-fingered",
    "fat finger",
    "fat fingered",
    "user mistake",
    "operator mistake",
    "user misunderstanding",
    "operator misunderstanding",
    "human oversight",
)


def family(root: str) -> tuple[str, ...]:
    """A judgement's word family from its adjective: careless → carelessly, carelessness;
    sloppy → sloppily, sloppiness; negligent → negligently, negligence; irresponsible →
    irresponsibly, irresponsibility."""
    if root.endswith("y"):
        return (root, root[:-1] + "ily", root[:-1] + "iness")
    if root.endswith("ent") or root.endswith("ant"):
        return (root, root + "ly", root[:-1] + "ce")
    if root.endswith("ible") or root.endswith("able"):
        return (root, root[:-1] + "y", root[:-2] + "ility")
    if root.endswith("ive"):
        return (root, root + "ly", root + "ness")
    return (root, root + "ly", root + "ness")


# Judgements of care, competence and character, as families (found in real postmortems and
# in the shapes their authors use: "carelessly pushed", "sloppiness", "negligently").
JUDGEMENT_ROOTS = (
    "careless",
    "uncareful",
    "sloppy",
    "reckless",
    "negligent",
    "incompetent",
    "irresponsible",
    "inattentive",
    "thoughtless",
    "clueless",
    "foolish",
    "stupid",
    "unprofessional",
    "lazy",
    "hasty",
    "inexperienced",
    "amateurish",
    "boneheaded",
    "dumb",
    "idiotic",
    "lax",
)
_NOUN_FORMS = {
    "stupid": "stupidity",
    "inexperienced": "inexperience",
    "lax": "laxity",
    "inattentive": "inattention",
    "idiotic": "idiot",
    "dumb": "dumbness",
}
_TECHNICAL_LAZY = r"[- ]?(?:load|evaluat|init|import|comput|creat|fetch|compil|bound|stat|list)"


def _judgement_terms() -> list[Term]:
    out: list[Term] = []
    for root in JUDGEMENT_ROOTS:
        forms = list(family(root))
        if root in _NOUN_FORMS:
            forms[2] = _NOUN_FORMS[root]
        for form in dict.fromkeys(forms):
            technical = _TECHNICAL_LAZY if root == "lazy" else ""
            out.append(
                Term(
                    form,
                    f"'{form}' judges a person ({root}…)",
                    _SYSTEM,
                    0.9,
                    "blame",
                    not_followed=technical,
                )
            )
    return out


_CONTEXT = "describe what the responder knew at the time and why the better choice was not visible"

DEFAULT_TERMS: tuple[Term, ...] = tuple(
    _terms(
        "blame",
        0.9,
        [
            *(
                (t, f"'{t}' as a cause ends the analysis where it should start", _GUARDRAIL)
                for t in HUMAN_ERROR
            ),
            ("at fault", "'at fault' assigns blame", _SYSTEM),
            ("fault of", "'fault of' assigns blame", _SYSTEM),
            ("'s fault", "'…'s fault' assigns blame", _SYSTEM),
            ("to blame", "'to blame' assigns blame", _SYSTEM),
            ("blamed", "'blamed' assigns blame", _SYSTEM),
            ("mistake by", "'mistake by' names a person as the cause", _SYSTEM),
            ("mistake of", "'mistake of' names a person as the cause", _SYSTEM),
            ("screwed up", "'screwed up' judges a person", _SYSTEM),
            ("messed up", "'messed up' judges a person", _SYSTEM),
            ("dropped the ball", "'dropped the ball' judges a person", _SYSTEM),
            ("should have known", "'should have known' is hindsight, not evidence", _CONTEXT),
            ("my bad", "'my bad' judges yourself", _SYSTEM),
            ("my fault", "'my fault' judges yourself", _SYSTEM),
            ("rookie mistake", "'rookie mistake' judges competence", _SYSTEM),
            ("silly mistake", "'silly mistake' judges a person", _SYSTEM),
            ("stupid mistake", "'stupid mistake' judges a person", _SYSTEM),
            ("dumb mistake", "'dumb mistake' judges a person", _SYSTEM),
            ("embarrassing mistake", "'embarrassing mistake' judges a person", _SYSTEM),
            ("asleep at the wheel", "'asleep at the wheel' judges a person", _SYSTEM),
            ("not paying attention", "'not paying attention' judges a person", _SYSTEM),
            ("wasn't paying attention", "'wasn't paying attention' judges a person", _SYSTEM),
            ("wasn't careful", "'wasn't careful' judges a person", _SYSTEM),
            ("was not careful", "'was not careful' judges a person", _SYSTEM),
            ("not careful enough", "'not careful enough' judges a person", _SYSTEM),
            ("cut corners", "'cut corners' judges intent", _SYSTEM),
            ("cutting corners", "'cutting corners' judges intent", _SYSTEM),
            ("an idiot", "'an idiot' judges a person", _SYSTEM),
            ("ashamed", "'ashamed' judges yourself", _SYSTEM),
        ],
    )
    + _judgement_terms()
    + _terms(
        "hindsight",
        0.7,
        [
            ("should have", "'should have' judges with hindsight", _CONTEXT),
            ("shouldn't have", "'shouldn't have' judges with hindsight", _CONTEXT),
            ("should not have", "'should not have' judges with hindsight", _CONTEXT),
            ("could have avoided", "'could have avoided' judges with hindsight", _CONTEXT),
            ("failed to", "'failed to' frames an action as a personal failure", _CONTEXT),
            ("neglected to", "'neglected to' frames an action as a personal failure", _CONTEXT),
            ("forgot to", "'forgot to' frames an action as a personal failure", _SYSTEM),
            ("didn't bother", "'didn't bother' judges intent", _CONTEXT),
            ("ought to have", "'ought to have' judges with hindsight", _CONTEXT),
        ],
        person=True,
    )
    + _terms(
        "hindsight",
        0.7,
        [
            ("obviously", "'obviously' is only obvious with hindsight", "state the evidence"),
            ("it was obvious", "'it was obvious' is only obvious with hindsight", _CONTEXT),
            ("if only", "'if only' judges with hindsight", _CONTEXT),
        ],
    )
    + _terms(
        "moralising",
        0.9,
        [
            ("humans are fallible", "'humans are fallible' moralises", "ask why again"),
            ("human error", "a why chain that stops at 'human error' moralises", "ask why again"),
            ("people make mistakes", "'people make mistakes' moralises", "ask why again"),
            (
                "couldn't predict",
                "'couldn't predict' stops the chain",
                "ask what signal was missing",
            ),
            ("could not predict", "'could not predict' stops the chain", "ask what was missing"),
            ("could not have predicted", "'could not have predicted' stops the chain", "ask why"),
            ("couldn't have predicted", "'couldn't have predicted' stops the chain", "ask why"),
            ("unforeseeable", "'unforeseeable' stops the chain", "ask what signal was missing"),
            ("be more careful", "'be more careful' aims at a person", "ask why again"),
            ("more careful", "'more careful' aims at a person", "ask why again"),
            ("wasn't careful", "'wasn't careful' aims at a person", "ask why again"),
            ("not careful enough", "'not careful enough' aims at a person", "ask why again"),
            ("lack of attention", "'lack of attention' aims at a person", "ask why again"),
            ("carelessness", "'carelessness' aims at a person", "ask why again"),
            ("made a mistake", "'made a mistake' aims at a person", "ask why again"),
            ("bad luck", "'bad luck' stops the chain", "ask why again"),
            ("humans make mistakes", "'humans make mistakes' moralises", "ask why again"),
            ("everyone makes mistakes", "'everyone makes mistakes' moralises", "ask why again"),
            ("anyone can make mistakes", "'anyone can make mistakes' moralises", "ask why"),
            ("mistakes happen", "'mistakes happen' moralises", "ask why again"),
            ("accidents happen", "'accidents happen' moralises", "ask why again"),
            ("nobody is perfect", "'nobody is perfect' moralises", "ask why again"),
            ("no one is perfect", "'no one is perfect' moralises", "ask why again"),
            ("human nature", "'human nature' moralises", "ask why again"),
            ("humans are human", "'humans are human' moralises", "ask why again"),
            ("human error", "'human error' stops the chain at a person", "ask why again"),
            ("human mistake", "'human mistake' stops the chain at a person", "ask why again"),
            ("operator error", "'operator error' stops the chain at a person", "ask why"),
            ("user error", "'user error' stops the chain at a person", "ask why again"),
            ("wasn't paying attention", "attention stops the chain at a person", "ask why"),
            ("was not paying attention", "attention stops the chain at a person", "ask why"),
            ("not paying attention", "attention stops the chain at a person", "ask why"),
            ("inattention", "'inattention' stops the chain at a person", "ask why again"),
            ("was distracted", "'was distracted' stops the chain at a person", "ask why"),
            ("got distracted", "'got distracted' stops the chain at a person", "ask why"),
            ("was tired", "fatigue named as the answer stops the chain", "ask why again"),
            ("in a hurry", "'in a hurry' stops the chain at a person", "ask why again"),
            ("was rushing", "'was rushing' stops the chain at a person", "ask why again"),
            ("didn't think", "'didn't think' stops the chain at a person", "ask why again"),
            ("did not think", "'did not think' stops the chain at a person", "ask why"),
            ("didn't care", "'didn't care' judges intent", "ask why again"),
            ("didn't bother", "'didn't bother' judges intent", "ask why again"),
            ("did not bother", "'did not bother' judges intent", "ask why again"),
            ("cut corners", "'cut corners' judges intent", "ask why again"),
            ("careless", "'careless' stops the chain at a person", "ask why again"),
            ("was lazy", "'was lazy' stops the chain at a person", "ask why again"),
            ("oversight", "'oversight' stops the chain at a person", "ask why again"),
            ("couldn't have known", "'couldn't have known' stops the chain", "ask why"),
            ("could not have known", "'could not have known' stops the chain", "ask why"),
            ("no way to know", "'no way to know' stops the chain", "ask what was missing"),
            ("just happens", "'just happens' stops the chain", "ask why again"),
            ("fallible", "'fallible' stops the chain at people", "ask why again"),
        ],
    )
    + [
        Term(
            form,
            f"'{form}' stops the chain at a judgement of a person",
            "ask why again",
            0.85,
            "moralising",
            not_followed=_TECHNICAL_LAZY if root == "lazy" else "",
        )
        for root in JUDGEMENT_ROOTS
        for form in dict.fromkeys(family(root))
    ]
    + _terms(
        "moralising",
        0.85,
        [
            ("forgot", "forgetting stops the chain at a person", "ask why it relied on memory"),
            ("overlooked", "'overlooked' stops the chain at a person", "ask why again"),
            ("missed it", "'missed it' stops the chain at a person", "ask why again"),
            ("deliberately", "intent stops the chain at a person", "ask why again"),
            ("intentionally", "intent stops the chain at a person", "ask why again"),
            ("made an error", "'made an error' stops the chain at a person", "ask why"),
        ],
        person=True,
    )
    + _terms(
        "personal-action",
        0.85,
        [
            ("be more careful", "a person told to be careful is not a system change", ""),
            ("more carefully", "asking people to act more carefully changes no system", ""),
            ("be careful", "a person told to be careful is not a system change", ""),
            ("remember to", "remembering is not a system change", ""),
            ("double-check", "a manual double-check is not a system change", ""),
            ("double check", "a manual double check is not a system change", ""),
            ("pay more attention", "attention is not a system change", ""),
            ("pay attention", "attention is not a system change", ""),
            ("retrain", "retraining a person aims the action at people", ""),
            ("re-train", "retraining a person aims the action at people", ""),
            ("try harder", "effort is not a system change", ""),
            ("be aware", "awareness is not a system change", ""),
            ("remind", "reminders are not a system change", ""),
            ("make sure to", "'make sure to' asks a person to remember", ""),
            ("don't forget", "not forgetting is not a system change", ""),
            ("more vigilant", "vigilance is not a system change", ""),
            ("be extra careful", "a person told to be careful is not a system change", ""),
            ("take more care", "taking care is not a system change", ""),
            ("take extra care", "taking care is not a system change", ""),
            ("more care", "care is not a system change", ""),
            ("exercise caution", "caution is not a system change", ""),
            ("exercise more caution", "caution is not a system change", ""),
            ("more cautious", "caution is not a system change", ""),
            ("more diligent", "diligence is not a system change", ""),
            ("more attentive", "attention is not a system change", ""),
            ("closer attention", "attention is not a system change", ""),
            ("more attention", "attention is not a system change", ""),
            ("more thorough", "thoroughness is not a system change", ""),
            ("more thoroughly", "thoroughness is not a system change", ""),
            ("more closely", "closer reading is not a system change", ""),
            ("triple-check", "a manual check is not a system change", ""),
            ("think twice", "thinking twice is not a system change", ""),
            ("slow down", "slowing down is not a system change", ""),
            ("be mindful", "mindfulness is not a system change", ""),
            ("more mindful", "mindfulness is not a system change", ""),
            ("keep in mind", "memory is not a system change", ""),
            ("more aware", "awareness is not a system change", ""),
            ("raise awareness", "awareness is not a system change", ""),
            ("increase awareness", "awareness is not a system change", ""),
            ("awareness training", "training people is not a system change", ""),
            ("more training", "training people is not a system change", ""),
            ("additional training", "training people is not a system change", ""),
            ("refresher training", "training people is not a system change", ""),
            ("coach", "coaching a person aims the action at people", ""),
            ("educate", "educating people aims the action at people", ""),
            ("talk to", "a talk with a person is not a system change", ""),
            ("speak to", "a talk with a person is not a system change", ""),
            ("speak with", "a talk with a person is not a system change", ""),
            ("have a word", "a talk with a person is not a system change", ""),
            ("reprimand", "a reprimand is not a system change", ""),
            ("discipline", "discipline is not a system change", ""),
            ("not happen again", "a promise is not a system change", ""),
            ("won't happen again", "a promise is not a system change", ""),
            ("avoid mistakes", "avoiding mistakes is not a system change", ""),
            ("avoid making mistakes", "avoiding mistakes is not a system change", ""),
            ("do better", "doing better is not a system change", ""),
            ("learn from this", "learning is not a system change", ""),
        ],
    )
    + _terms(
        "vague-action",
        0.75,
        [
            ("improve monitoring", "'improve monitoring' names no change", ""),
            ("improve alerting", "'improve alerting' names no change", ""),
            ("better monitoring", "'better monitoring' names no change", ""),
            ("more monitoring", "'more monitoring' names no change", ""),
            ("more tests", "'more tests' names no test", ""),
            ("more testing", "'more testing' names no test", ""),
            ("investigate", "an investigation is not a change", ""),
            ("look into", "'look into' names no change", ""),
            ("look at", "'look at' names no change", ""),
            ("consider", "'consider' commits to nothing", ""),
            ("explore", "'explore' commits to nothing", ""),
            ("think about", "'think about' commits to nothing", ""),
            ("improve", "'improve' alone names no change", ""),
            ("revisit", "'revisit' commits to nothing", ""),
        ],
    )
)

_ACTION_SUGGESTION = (
    "name the system change that catches the next occurrence — a CI test, a deployment "
    "gate, a runbook update — e.g. 'Add a CI check that fails pool sizes below 50'"
)
DEFAULT_TERMS = tuple(
    replace(t, suggestion=t.suggestion or _ACTION_SUGGESTION) for t in DEFAULT_TERMS
)
