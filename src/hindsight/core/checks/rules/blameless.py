"""BL: blameless language — systems and roles as causes, no blame or hindsight vocabulary."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from hindsight.core.checks.blame import JUDGEMENT, Blame, about_self, blames
from hindsight.core.checks.context import Context, Prose
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions
from hindsight.core.checks.vocab import HUMAN_ERROR, Hit
from hindsight.core.document.template import SectionKind, section_spec


def _skipped(opts: RuleOptions) -> frozenset[SectionKind | None]:
    out: set[SectionKind | None] = set()
    for title in opts.strings("skip-sections"):
        spec = section_spec(title)
        if spec is not None:
            out.add(spec.kind)
    return frozenset(out)


def _prose(ctx: Context, opts: RuleOptions) -> Iterator[Prose]:
    skipped = _skipped(opts)
    for piece in ctx.prose():
        if piece.kind not in skipped:
            yield piece


_SKIP = Option("skip-sections", ("Reference materials",), "Sections not checked.")


class _VocabularyRule(Rule):
    kind: str
    options = (_SKIP,)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        vocab = ctx.vocabulary(self.kind)
        pieces = list(_prose(ctx, opts))
        # One scan over all the prose (pieces joined by blank lines) instead of one per piece.
        starts: list[int] = []
        position = 0
        for piece in pieces:
            starts.append(position)
            position += len(piece.text) + 2
        joined = "\n\n".join(piece.text for piece in pieces)
        for hit in vocab.find(joined, people=ctx.people_keys):
            index = bisect_right(starts, hit.start) - 1
            line, column = pieces[index].position(hit.start - starts[index])
            message, suggestion = self.explain(joined, hit)
            yield Finding(
                line, message, column, suggestion=suggestion, confidence=hit.term.confidence
            )

    def explain(self, text: str, hit: Hit) -> tuple[str, str]:
        return hit.term.message, hit.term.suggestion


@register
class BlameLanguage(_VocabularyRule):
    """No blame vocabulary.

    What it checks:
    Prose contains none of the `blame` vocabulary: judgements of care, competence or
    character as word families ("careless", "carelessly", "carelessness"; "sloppy",
    "sloppily"; "negligent", "negligence"…), "human error" and its kin as a cause (the
    suggestion: name the missing guardrail), "at fault", "mistake by", and the author judging
    themselves ("my bad", "I was careless"), reported as self-judgement. Uses that reject the
    word ("this is not a matter of human error") or quote it are not reported; the team
    owning up ("we made a mistake") is not blame. Teams extend or disable terms in config.

    Why it matters:
    Blame words make the person the subject of the investigation. "The first question gets
    you a quiet engineer who stops volunteering for risky work. The second gets you a
    guardrail."

    Example:
    `The outage was caused by human error during the deploy.`

    Use instead:
    `The deploy pipeline accepted a config that failed at runtime; no check covered it.`
    """

    code = "BL001"
    name = "blame-language"
    summary = "Blame vocabulary"
    severity = Severity.WARNING
    confidence = 0.9
    kind = "blame"
    options = (
        Option(
            "skip-sections",
            ("Five whys", "Reference materials"),
            "Sections not checked (Five whys: WH002 reads the same words there).",
        ),
    )

    def explain(self, text: str, hit: Hit) -> tuple[str, str]:
        word = text[hit.start : hit.end]
        if hit.term.term in HUMAN_ERROR:
            return hit.term.message, hit.term.suggestion
        if about_self(text, hit.start, hit.end) or word.casefold().startswith("my "):
            return (
                f"the author judges themselves ('{word}'); a postmortem judges no one",
                "say what made the slip easy to make and hard to catch, e.g. 'the two "
                "kubeconfig contexts looked the same in the shell prompt'",
            )
        return hit.term.message, hit.term.suggestion


@register
class HindsightBias(_VocabularyRule):
    """No hindsight-bias vocabulary.

    What it checks:
    Prose contains none of the `hindsight` vocabulary: "should have", "failed to",
    "neglected to", "forgot to", "obviously"… Negated or quoted uses are not reported.

    Why it matters:
    "Write as if every action taken during the incident made sense given what the responder
    knew at the time." "Should have" judges with knowledge nobody had then.

    Example:
    `The on-call engineer should have checked the pool metrics.`

    Use instead:
    `The pool metrics were not on the checkout dashboard, so the on-call engineer did not see
    them.`
    """

    code = "BL002"
    name = "hindsight-bias"
    summary = "Hindsight-bias vocabulary"
    severity = Severity.WARNING
    confidence = 0.7
    kind = "hindsight"


def _rewrite(blame: Blame, role: str) -> str:
    """The sentence with the role (or nothing) where the people were, judging no one."""
    sentence = blame.sentence
    start, end = (p - blame.sentence_start for p in blame.group)
    before, after = sentence[:start], sentence[end:]
    if blame.frame == "owner":
        replacement = "the "
    elif blame.frame == "agent":
        before = re.sub(r"\s*by\s*$", " ", before)
        replacement = ""
    else:
        replacement = role if before.strip() else role[:1].upper() + role[1:]
    text = JUDGEMENT.sub("", before + replacement + after)
    text = re.sub(r"\s+", " ", text).strip(" .;|")
    return f"{text[:1].upper()}{text[1:]} — and name the check that let it through"


_FRAMES = {
    "subject": "as the subject of the faulty action",
    "agent": "as the agent of the faulty action",
    "owner": "as the owner of the faulty change",
    "judged": "as the one judged",
}
_CAUSE_SECTIONS = frozenset([SectionKind.ROOT_CAUSE])


def _blames(ctx: Context, opts: RuleOptions) -> Iterator[tuple[Prose, Blame]]:
    key = "blames:" + ",".join(opts.strings("skip-sections"))
    found = ctx.memo.get(key)
    if found is None:
        out: list[tuple[Prose, Blame]] = []
        for piece in _prose(ctx, opts):
            strict = piece.kind in _CAUSE_SECTIONS
            out.extend((piece, b) for b in blames(piece.text, ctx.people_keys, strict=strict))
        ctx.memo[key] = found = out
    assert isinstance(found, list)
    yield from found


_PERSON_SKIP = Option(
    "skip-sections",
    ("What went well", "Five whys", "Action items", "Reference materials"),
    "Sections not checked (Five whys: WH003; Action items: AC009).",
)


@register
class PersonAsCause(Rule):
    """No individual is named as the cause.

    What it checks:
    A named person — from Incident team / Author / Reviewers, an @handle, a username, or a
    given name — is not made the cause of the incident: the subject of a faulty action
    ("Alice pushed a bad config", "@bob broke staging", "Mei accidentally deleted…"), the agent
    of a passive ("the bad config was pushed by Alice"), or the owner of the faulty change
    ("Jonas's change took checkout down"). Naming who did what is fine: a neutral Timeline row
    ("@kim rolls back the deploy") or What went well is not a finding; a Timeline row that
    narrates the cause is. In a Root cause any causal action of a person counts. Roles ("the
    on-call engineer") are what the method asks for. Each finding suggests the rewrite.

    Why it matters:
    "No naming individuals as causes. Use roles or systems." It is not about hiding who did
    what; it keeps the analysis on the system.

    Example:
    `Alice deployed a bad config.`

    Use instead:
    `The on-call engineer deployed a config that passed CI but failed at runtime.`
    """

    code = "BL003"
    name = "person-as-cause"
    summary = "A person is named as the cause"
    severity = Severity.WARNING
    confidence = 0.8
    options = (
        _PERSON_SKIP,
        Option("role", "the on-call engineer", "The role suggested instead of the name."),
    )

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        role = opts.string("role")
        for piece, blame in _blames(ctx, opts):
            if blame.frame == "judged":
                continue  # BL004
            name = blame.person.name
            line, column = piece.position(blame.person.start)
            frame = _FRAMES[blame.frame].format(name=name)
            yield Finding(
                line,
                f"names '{name}' as the cause, {frame}: '{blame.evidence}'; name the role "
                "or the system",
                column,
                suggestion=_rewrite(blame, role),
                confidence=blame.confidence,
            )


@register
class PersonInAnalysis(Rule):
    """No named person is judged.

    What it checks:
    No named person (header people, @handles, usernames, given names) is the object of a
    judgement of care, competence or character: "@kim did not review the diff carefully",
    "Bob was careless", "Priya's sloppiness", "a careless edit by Tomás". Mentioning a person
    neutrally — someone doing their job — is not a finding, in any section but What went
    well, Five whys (WH003) and Action items (AC009).

    Why it matters:
    "Assume good intent." A judgement aimed at a named person turns the postmortem into
    "input to a performance review"; the question is what made the slip easy.

    Example:
    `Root cause: Jonas did not review the pool change carefully.`

    Use instead:
    `Root cause: pool changes merge with one approval and no check on the pool size.`
    """

    code = "BL004"
    name = "person-in-analysis"
    summary = "A named person is judged"
    severity = Severity.WARNING
    confidence = 0.85
    options = (_PERSON_SKIP,)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for piece, blame in _blames(ctx, opts):
            if blame.frame != "judged":
                continue
            name = blame.person.name
            line, column = piece.position(blame.person.start)
            yield Finding(
                line,
                f"judges '{name}' ('{blame.evidence}'); describe the conditions, not the person",
                column,
                suggestion="say what made the slip easy and what would have caught it, e.g. "
                "'the diff hid the pool size change; no check compares it with the load test'",
                confidence=blame.confidence,
            )
