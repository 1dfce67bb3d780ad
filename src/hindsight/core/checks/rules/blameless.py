"""BL: blameless language — systems and roles as causes, no blame or hindsight vocabulary."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from hindsight.core.checks.context import Context, Prose
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.people import Mention, causal_subjects, mentions, named
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions
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
            yield Finding(
                line,
                hit.term.message,
                column,
                suggestion=hit.term.suggestion,
                confidence=hit.term.confidence,
            )


@register
class BlameLanguage(_VocabularyRule):
    """No blame vocabulary.

    What it checks:
    Prose contains none of the `blame` vocabulary: "human error", "careless", "negligent",
    "at fault", "mistake by", "sloppy"… Uses that reject the word ("this is not a matter of
    human error") or quote it are not reported. Teams extend or disable terms in config.

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


def _sentence(text: str, start: int) -> str:
    end = re.search(r"[.!?;\n]", text[start:])
    return text[start : start + end.start()] if end else text[start:]


def _rewrite(piece: Prose, mention: Mention, role: str) -> str:
    rest = _sentence(piece.text, mention.end)
    return f"{role[:1].upper()}{role[1:]}{rest}".strip()


@register
class PersonAsCause(Rule):
    """No individual is named as the cause.

    What it checks:
    No person is the subject of a causal verb ("deployed", "pushed", "forgot", "broke",
    "missed"…): people named in Incident team / Author / Reviewers, @-mentions, and common
    given names. The Timeline is skipped by default — it records who did what; the analysis
    should not. Each finding suggests the role-based rewrite.

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
        Option("skip-sections", ("Timeline", "Reference materials"), "Sections not checked."),
        Option("role", "the on-call engineer", "The role suggested instead of the name."),
    )

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        role = opts.string("role")
        for piece in _prose(ctx, opts):
            for mention in causal_subjects(piece.text, ctx.people_keys):
                line, column = piece.position(mention.start)
                yield Finding(
                    line,
                    f"names '{mention.name}' as the cause ('{mention.name} {mention.verb}')",
                    column,
                    suggestion=_rewrite(piece, mention, role),
                    confidence=mention.confidence,
                )


_ANALYSIS = (SectionKind.SUMMARY, SectionKind.ROOT_CAUSE, SectionKind.WENT_POORLY)


@register
class PersonInAnalysis(Rule):
    """The analysis names systems and roles, not people.

    What it checks:
    The Summary, Root cause and What went poorly sections do not mention people listed in
    Incident team / Author / Reviewers, nor @-mention anyone. (Five whys answers are checked
    by WH003; causal sentences anywhere by BL003.)

    Why it matters:
    A name in the analysis reads as "this person is the cause", whatever the sentence says.
    Roles ("the on-call engineer", "the database team") keep the focus on the system.

    Example:
    `Root cause: Priya's config change reduced the pool size.`

    Use instead:
    `Root cause: a config change reduced the per-pod pool size from 100 to 10.`
    """

    code = "BL004"
    name = "person-in-analysis"
    summary = "A person is named in the analysis"
    severity = Severity.WARNING
    confidence = 0.85

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for piece in ctx.prose(*_ANALYSIS):
            causal = {m.start for m in causal_subjects(piece.text, ctx.people_keys)}
            found = [*named(piece.text, ctx.people), *mentions(piece.text)]
            for mention in sorted(found, key=lambda m: m.start):
                if mention.start in causal:
                    continue  # BL003 reports it, with a rewrite
                line, column = piece.position(mention.start)
                yield Finding(
                    line,
                    f"names '{mention.name}' in the analysis; name the role or system",
                    column,
                    confidence=mention.confidence,
                )
