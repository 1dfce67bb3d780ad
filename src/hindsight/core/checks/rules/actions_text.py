"""AC: what an action says — verb-led, aimed at systems, specific enough to ship."""

from __future__ import annotations

import re
from collections.abc import Iterator

from hindsight.core.checks.context import Context
from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.people import people_in
from hindsight.core.checks.registry import register
from hindsight.core.checks.rule import Finding, Option, Rule, RuleOptions, at
from hindsight.core.checks.rules._common import first_term, template_cells
from hindsight.core.checks.text import words
from hindsight.core.document.action_items import ActionItem
from hindsight.core.document.template import contains_placeholder

_NOT_VERBS = frozenset(
    words(
        """
    a an the more better new we our this that these those it its should need needs must
    maybe possibly perhaps someone somebody everyone team there some all any no i you they
    he she improved improvement improvements additional proper further potential possible
    """
    )
)
_VERB_EXCEPTIONS = frozenset(
    words(
        """
    bring ping string ring sing seed feed shed embed speed bleed proceed exceed succeed
    mention partition provision question position function condition caution section version
    reference balance enhance advance finance influence silence sequence fence commission
    audition
    """
    )
)
_NOUNISH = re.compile(r"(?:ing|ed|tion|ness|ity|ance|ence)$")
_FIRST = re.compile(r"[A-Za-z][A-Za-z'-]*")


def _action_texts(ctx: Context) -> Iterator[ActionItem]:
    for item in ctx.actions:
        text = item.action.strip()
        if text and text not in template_cells() and not contains_placeholder(text):
            yield item


def first_word_problem(text: str) -> str | None:
    """Why the action does not start with an imperative verb, or None when it seems to."""
    match = _FIRST.search(re.sub(r"^[\s*_`\[\]>#-]+|\(\S+\)", "", text))
    if match is None:
        return "the action has no words"
    word = match.group(0).casefold()
    if word in _NOT_VERBS:
        return f"starts with '{match.group(0)}'"
    if word not in _VERB_EXCEPTIONS and len(word) > 4 and _NOUNISH.search(word):
        return f"starts with '{match.group(0)}', not an imperative verb"
    return None


@register
class ActionNotVerbLed(Rule):
    """Each action starts with a verb.

    What it checks:
    The Action cell of each action-table row starts with an imperative verb ("Add", "Alert",
    "Route", "Wire"), not a noun phrase ("Better monitoring"), a gerund ("Adding …"), a past
    tense ("Added …") or a subject ("We should …").

    Why it matters:
    A verb-led action says what will be done, so it can be estimated, assigned and closed.
    A noun phrase is a topic, not a task.

    Example:
    `| … | Better alerting for the checkout service | detect | … |`

    Use instead:
    `| … | Alert on connection-wait time above 200 ms for checkout-api | detect | … |`
    """

    code = "AC004"
    name = "action-not-verb-led"
    summary = "An action does not start with a verb"
    severity = Severity.WARNING
    confidence = 0.7

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for item in _action_texts(ctx):
            if not item.from_table:
                continue  # a list may mix actions with notes; AC010 asks for the table
            problem = first_word_problem(item.action)
            if problem:
                yield at(
                    item.span,
                    f"action is not verb-led: {problem}",
                    suggestion="start with what will be done: 'Add…', 'Alert on…', 'Route…'",
                )


@register
class PersonalAction(Rule):
    """No personal action items.

    What it checks:
    No action asks people to behave differently: "Alice will be more careful", "take more
    care", "pay closer attention", "double-check", "remember to", "more training", "talk to
    X" (the `personal-action` vocabulary), and no action's object is a named person ("Have
    Alice review…", "Ask @bob to…"). Rejected uses ("so nobody has to remember to") pass.

    Why it matters:
    "'Alice will be more careful' is not an action item. The action item is the system
    change that catches the next Alice — a CI test, an additional deployment gate, a runbook
    update."

    Example:
    `| Bob | Be more careful when editing pool sizes | prevent | … |`

    Use instead:
    `| Bob | Add a CI check that fails pool sizes below the load-tested minimum | prevent | … |`
    """

    code = "AC009"
    name = "personal-action"
    summary = "An action item asks a person to behave differently"
    severity = Severity.WARNING
    confidence = 0.85

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        for item in _action_texts(ctx):
            found = first_term(ctx, "personal-action", item.action, item.span, "personal action")
            if found is None:
                found = _aimed_at_person(ctx, item)
            if found:
                yield found


# Verbs whose object is the one who must change: "Have Alice review…", "Ask @bob to…".
_AT_PERSON = re.compile(
    r"^[\s*_`\[\]>#-]*(?:have|ask|tell|get|make|require|coach|train|retrain|remind|warn|"
    r"mentor|push|nudge|instruct)\s+$",
    re.IGNORECASE,
)


def _aimed_at_person(ctx: Context, item: ActionItem) -> Finding | None:
    for person in people_in(item.action, ctx.people_keys):
        if _AT_PERSON.match(item.action[: person.start]):
            return at(
                item.span,
                f"personal action: its object is '{person.name}', a person, not a system",
                suggestion=_PERSONAL_REWRITE,
                confidence=0.8,
            )
        break
    return None


_PERSONAL_REWRITE = (
    "name the system change that catches the next occurrence — a CI test, a deployment gate, "
    "a runbook update"
)


@register
class VagueAction(Rule):
    """Actions are specific enough to ship.

    What it checks:
    Short actions (under `max-words` words) built on a vague verb or phrase: "improve
    monitoring", "investigate", "look into", "consider", "more tests" (the `vague-action`
    vocabulary).

    Why it matters:
    "If all of these shipped, would the same incident have a smaller impact next time? If the
    answer is unclear, the actions are too vague."

    Example:
    `| … | Improve monitoring | detect | … |`

    Use instead:
    `| … | Alert on connection-wait time above 200 ms for every service | detect | … |`
    """

    code = "AC011"
    name = "vague-action"
    summary = "An action item is too vague to ship"
    severity = Severity.WARNING
    confidence = 0.75
    options = (Option("max-words", 10, "Only actions shorter than this are checked."),)

    def check(self, ctx: Context, opts: RuleOptions) -> Iterator[Finding]:
        limit = opts.int("max-words")
        for item in _action_texts(ctx):
            if len(item.action.split()) >= limit:
                continue
            found = first_term(ctx, "vague-action", item.action, item.span, "vague action")
            if found:
                yield found
