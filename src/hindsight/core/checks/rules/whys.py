"""WH: five whys that go deep enough and end at the system, not at people."""

from __future__ import annotations

from collections.abc import Iterator

from hindsight.core.checks.blame import blames
from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions, at
from hindsight.core.checks.rules._common import first_term, has_content, heading_line
from hindsight.core.document.template import SectionKind, contains_placeholder


@register
class TooFewWhys(Rule):
    """The five whys go at least three steps deep.

    What it checks:
    The Five whys section has at least `min-steps` why steps (3 by default).

    Why it matters:
    "The first answer points at the patch. The fifth answer points at something
    architectural." Stopping at one or two whys fixes the symptom and misses the cause.

    Example:
    `1. Why did the API fail? The pool was exhausted.` and nothing more.

    Use instead:
    Keep asking why until the answer is about design, ownership or process.
    """

    code = "WH001"
    name = "too-few-whys"
    summary = "Fewer than three why steps"
    completeness = True
    options = (Option("min-steps", 3, "Fewest why steps."),)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        section = ctx.section(SectionKind.FIVE_WHYS)
        if section is None or not has_content(ctx.section_blocks(SectionKind.FIVE_WHYS)):
            return
        steps = [s for s in ctx.whys if not contains_placeholder(s.answer)]
        least = opts.int("min-steps")
        if len(steps) < least:
            yield Finding(heading_line(section), f"{len(steps)} why step(s); ask at least {least}")


@register
class MoralisingWhy(Rule):
    """The why chain does not stop at people.

    What it checks:
    No why answer is "human error", "humans are fallible", "we couldn't predict that", "be
    more careful" or similar (the `moralising` vocabulary).

    Why it matters:
    "Stop when an honest answer would be 'because humans are fallible' … At that point you're
    moralising, not investigating", and further whys produce actions aimed at people.

    Example:
    `5. Why did the engineer miss it? Human error.`

    Use instead:
    `5. Why could the change ship unchecked? No CI test exercises connection-pool limits.`
    """

    code = "WH002"
    name = "moralising-why"
    summary = "A why answer moralises instead of investigating"
    severity = Severity.WARNING
    confidence = 0.85

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for step in ctx.whys:
            label = "why answer stops at people"
            found = first_term(ctx, "moralising", step.answer, step.span, label)
            if found:
                yield found


@register
class PersonAsWhy(Rule):
    """No why answer names a person.

    What it checks:
    No why answer makes a named person (header people, @handles, usernames, given names) the
    cause: the subject of a causal action ("Because Bob merged it"), the agent ("approved by
    @jdoe"), the owner ("Mei's change") or the one judged. A person named neutrally passes.

    Why it matters:
    A why answered by a name ends the investigation at the individual; the question is why
    the system let the action through.

    Example:
    `3. Why did the change ship? Bob merged it without review.`

    Use instead:
    `3. Why did the change ship? Config changes can merge without a second reviewer.`
    """

    code = "WH003"
    name = "person-as-why"
    summary = "A why answer names a person"
    severity = Severity.WARNING
    confidence = 0.85

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for step in ctx.whys:
            found = next(blames(step.answer, ctx.people_keys, strict=True), None)
            if found is not None:
                yield at(
                    step.span,
                    f"why answer makes '{found.person.name}' the cause ('{found.evidence}')",
                    suggestion="answer with the system condition that allowed it, e.g. "
                    "'config changes can merge without a second reviewer'",
                    confidence=found.confidence,
                )
