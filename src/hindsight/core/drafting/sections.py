"""The drafted prose: summary, root-cause candidate, first of the five whys, action items.

The summary answers what broke, who was affected, for how long and how it was fixed, in three
sentences built from milestones and measurements, and states no cause and no action (the
summary checks hold it to that). The root cause is a *candidate* with its reasoning, for the
review to confirm or replace. Nothing here is phrased as a finding the evidence cannot carry.
"""

from __future__ import annotations

import re

from hindsight.core.document.model import BulletList, ListItem, Paragraph, Table
from hindsight.core.document.template import ACTION_COLUMNS, SectionKind
from hindsight.core.drafting import phrases
from hindsight.core.drafting.facts import Facts, Part
from hindsight.core.drafting.provenance import Citation
from hindsight.core.events import Event, EventKind

_ERRORS = re.compile(r"\b(?:5xx|50\d|5\d\d\s+errors?|errors?|error\s+rate)\b", re.IGNORECASE)
_FIVE_XX = re.compile(r"\b(?:5xx|5\d\d)\b", re.IGNORECASE)

ACTION_REMINDER = (
    "Give every action one type: prevent (stops the cause from recurring), detect (catches "
    "the same cause faster next time), mitigate (limits the blast radius) or process "
    "(changes how the team operates). A list with only prevent actions is incomplete."
)
OWNER_REMINDER = 'Each action must have a single owner. "The team" is not an owner.'
WHYS_REMINDER = (
    "Keep asking why past the first plausible answer; stop when the honest answer would be "
    '"because humans are fallible".'
)


def _services(facts: Facts) -> list[str]:
    return [s for s, _ in facts.affected()][:3]


def symptom(facts: Facts) -> tuple[str, str, tuple[str, ...]]:
    """(past tense, question form, keys): "returned 5xx errors" / "return 5xx errors"."""
    detection = facts.detection
    texts = [detection.text] if detection else []
    keys: tuple[str, ...] = (detection.key,) if detection else ()
    failing = [f for f in facts.measured if f.failed > 0]
    if failing:
        keys += failing[0].ids
    if any(_FIVE_XX.search(t) for t in texts):
        return "returned 5xx errors", "return 5xx errors", keys
    if failing or any(_ERRORS.search(t) for t in texts):
        return "returned errors", "return errors", keys
    return "was degraded", "degrade", keys


def _when(facts: Facts, start: Event, end: Event | None) -> str:
    tz = facts.tz
    if end is None:
        return f"Since {phrases.clock(start.at, tz)} {facts.zone} on {phrases.day(start.at, tz)}"
    if phrases.day(start.at, tz) == phrases.day(end.at, tz):
        return (
            f"From {phrases.clock(start.at, tz)} to {phrases.clock(end.at, tz)} {facts.zone} "
            f"on {phrases.day(start.at, tz)}"
        )
    return (
        f"From {phrases.clock(start.at, tz, dated=True)} to "
        f"{phrases.clock(end.at, tz, dated=True)} {facts.zone}"
    )


def summary_part(facts: Facts) -> Part | None:
    start, end, detection = facts.start, facts.end, facts.detection
    if start is None or detection is None:
        return None
    part = SectionKind.SUMMARY.value
    services = ", ".join(_services(facts)) or "the service"
    broke, _, broke_keys = symptom(facts)
    cited: list[Citation] = []
    first = f"{_when(facts, start, end)}, {services} {broke}"
    keys = (start.key, *(end.key for _ in [end] if end is not None), *broke_keys)
    if facts.window is not None and end is not None:
        first += f" for {phrases.span_words(facts.window)}"
    cited.append(Citation(part, first + ".", tuple(dict.fromkeys(keys))))
    measured = [f for f in facts.measured if f.fraction is not None]
    if measured:
        clauses = [
            f"{phrases.count(f.failed)} of {phrases.count(f.total)} requests to {f.service} "
            f"failed ({phrases.percent(f.fraction or 0.0)})"
            for f in measured
        ]
        ids = tuple(i for f in measured for i in f.ids)
        cited.append(Citation(part, _capital("; ".join(clauses)) + ".", ids))
    else:
        name = phrases.alert_name(detection)
        when = phrases.clock(detection.at, facts.tz)
        cited.append(
            Citation(
                part,
                f"Requests to {services} were affected from {when}, when {name} fired "
                f"({detection.source}).",
                (detection.key,),
            )
        )
    fix = _fix_sentence(facts)
    if fix is not None:
        cited.append(fix)
    text = " ".join(c.text for c in cited)
    return Part(part, (Paragraph(text),), tuple(cited))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fix_sentence(facts: Facts) -> Citation | None:
    part = SectionKind.SUMMARY.value
    mitigation, end = facts.milestones.mitigated, facts.end
    if end is None:
        return None
    resolved_at = phrases.clock(end.at, facts.tz)
    if mitigation is None:
        return Citation(
            part, f"The incident was resolved at {resolved_at} ({end.source}).", (end.key,)
        )
    what = phrases.clause(mitigation.text)
    if phrases.CAUSAL.search(what):
        what = "A mitigation"
    return Citation(
        part,
        f"{_capital(what)} at {phrases.clock(mitigation.at, facts.tz)} ({mitigation.source}) "
        f"preceded recovery, and the incident was resolved at {resolved_at}.",
        (mitigation.key, end.key),
    )


def root_cause_part(facts: Facts) -> Part | None:
    cause = facts.milestones.suspected_cause
    detection = facts.detection
    if cause is None or detection is None:
        return None
    part = SectionKind.ROOT_CAUSE.value
    event = cause.event
    cited = [
        Citation(
            part,
            "**Candidate root cause (unconfirmed; confirm or replace in the review):** "
            f"{phrases.clause(event.text)} at {phrases.clock(event.at, facts.tz)} "
            f"({event.source}).",
            (event.key,),
        ),
        Citation(
            part,
            f"Why it is a candidate: {phrases.clause(cause.reasoning)}.",
            (event.key, detection.key),
        ),
    ]
    mitigation, end = facts.milestones.mitigated, facts.end
    if (
        mitigation is not None
        and end is not None
        and mitigation.kind is EventKind.MITIGATION
        and set(mitigation.services) & set(event.services)
    ):
        cited.append(
            Citation(
                part,
                f"The mitigation on the same service ({phrases.clause(mitigation.text)}, "
                f"{phrases.clock(mitigation.at, facts.tz)}, {mitigation.source}) came before "
                f"the recovery at {phrases.clock(end.at, facts.tz)}, which fits the candidate "
                "without proving it.",
                (mitigation.key, end.key),
            )
        )
    blocks = (
        Paragraph(" ".join(c.text for c in cited)),
        Paragraph("Contributing factors: <what made the impact worse or recovery harder>"),
    )
    return Part(part, blocks, tuple(cited))


def five_whys_part(facts: Facts) -> Part | None:
    services = _services(facts)
    if not services or facts.detection is None:
        return None
    part = SectionKind.FIVE_WHYS.value
    _, question, keys = symptom(facts)
    text = f"Why did {', '.join(services)} {question}?"
    items = (ListItem(f"{text} <answer in the review>"), ListItem("Why …? <answer>"))
    return Part(
        part,
        (BulletList(items, ordered=True), Paragraph(WHYS_REMINDER)),
        (Citation(part, text, keys),),
    )


def action_items_part() -> Part:
    placeholder = (
        "<name>",
        "<verb-led description>",
        "prevent / detect / mitigate / process",
        "YYYY-MM-DD",
        "<issue link>",
    )
    table = Table(ACTION_COLUMNS, (placeholder,), ("",) * len(ACTION_COLUMNS))
    return Part(
        SectionKind.ACTION_ITEMS.value,
        (table, Paragraph(OWNER_REMINDER), Paragraph(ACTION_REMINDER)),
        (),
    )
