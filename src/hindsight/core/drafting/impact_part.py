"""The drafted Impact section: the template's five fields, filled from monitor data where it
exists, left as the template's placeholder otherwise, with a note naming what is missing and a
sentence stating how the numbers were computed."""

from __future__ import annotations

import datetime as dt

from hindsight.core.document.model import Block, BulletList, ListItem, Paragraph
from hindsight.core.document.template import IMPACT_FIELDS, SectionKind
from hindsight.core.drafting import phrases
from hindsight.core.drafting.facts import Facts, Part
from hindsight.core.drafting.impact import ImpactFigures
from hindsight.core.drafting.provenance import Citation

PART = SectionKind.IMPACT.value
NOTE_PREFIX = "Missing from the evidence:"


def _field(label: str, value: str) -> str:
    return f"**{label}:** {value}"


def _requests(measured: tuple[ImpactFigures, ...]) -> tuple[str, tuple[str, ...]] | None:
    usable = [f for f in measured if f.fraction is not None]
    if not usable:
        return None
    value = "; ".join(
        f"{phrases.count(f.failed)} of {phrases.count(f.total)} requests to {f.service} "
        f"({phrases.percent(f.fraction or 0.0)})"
        for f in usable
    )
    return value, tuple(i for f in usable for i in f.ids)


def _budget(
    measured: tuple[ImpactFigures, ...], targets: dict[str, tuple[float, float]]
) -> tuple[str, tuple[str, ...]] | None:
    usable = [f for f in measured if f.budget is not None and f.service in targets]
    if not usable:
        return None
    parts = []
    for f in usable:
        target, days = targets[f.service]
        parts.append(
            f"{phrases.percent(f.budget or 0.0)} of the {days:g}-day {phrases.slo(target)} "
            f"error budget of {f.service}"
        )
    return "; ".join(parts), tuple(
        dict.fromkeys(i for f in usable for i in (*f.ids, *f.budget_ids))
    )


def _users(measured: tuple[ImpactFigures, ...]) -> tuple[str, tuple[str, ...]] | None:
    usable = [f for f in measured if f.users is not None]
    if not usable:
        return None
    value = "; ".join(
        f"{phrases.count(f.users or 0.0)} at {f.service} (peak of the users-affected series)"
        for f in usable
    )
    return value, tuple(i for f in usable for i in f.users_ids)


def _others(facts: Facts) -> tuple[str, tuple[str, ...]] | None:
    affected = facts.affected()
    primary = {f.service for f in facts.measured}
    if not primary and facts.detection is not None:
        primary = set(facts.detection.services)
    if not primary and affected:
        primary = {affected[0][0]}
    others = [(s, keys) for s, keys in affected if s not in primary]
    if not others:
        return None
    value = ", ".join(s for s, _ in others) + " (named by alerts or pages during the incident)"
    return value, tuple(dict.fromkeys(k for _, keys in others for k in keys))


def impact_part(facts: Facts, targets: dict[str, tuple[float, float]]) -> Part:
    """`targets`: service → (SLO target, window days), for the budget wording."""
    measured = facts.measured
    found = {
        "Users affected": _users(measured),
        "Requests failed / degraded": _requests(measured),
        "SLO budget consumed": _budget(measured, targets),
        "Other systems affected": _others(facts),
    }
    items: list[ListItem] = []
    cited: list[Citation] = []
    missing: list[str] = []
    for spec in IMPACT_FIELDS:
        value = found.get(spec.key)
        if value is None:
            items.append(ListItem(_field(spec.key, spec.placeholder)))
            missing.append(_why_missing(spec.key, facts, targets))
            continue
        items.append(ListItem(_field(spec.key, value[0])))
        cited.append(Citation(PART, f"{spec.key}: {value[0]}", value[1]))
    blocks: list[Block] = [BulletList(tuple(items))]
    method = _method(facts)
    if method:
        blocks.append(Paragraph(" ".join(c.text for c in method)))
        cited.extend(method)
    notes = tuple(missing)
    if notes:
        blocks.append(Paragraph(f"{NOTE_PREFIX} {'; '.join(notes)}."))
    return Part(PART, tuple(blocks), tuple(cited), notes)


def _why_missing(key: str, facts: Facts, targets: dict[str, tuple[float, float]]) -> str:
    label = key.split(" (")[0].lower()
    if key.startswith("Revenue"):
        return f"{label} (no revenue data in the evidence)"
    if key == "Other systems affected":
        return f"{label} (no other service named by an alert or page)"
    if not facts.figures:
        return f"{label} (no monitor data: configure [impact.services.NAME] or add metric samples)"
    if not facts.measured:
        return f"{label} (the monitor returned no samples in the impact window)"
    if key == "Users affected":
        return f"{label} (no users_affected series)"
    if key == "SLO budget consumed" and not targets:
        return f"{label} (no slo_target configured)"
    return f"{label} (not computable from the samples)"


def _method(facts: Facts) -> list[Citation]:
    start, end = facts.start, facts.end
    if not facts.measured or start is None:
        return []
    tz, out = facts.tz, []
    until = phrases.clock(end.at, tz) if end is not None else "an hour later"
    for f in facts.measured:
        sentence = (
            f"Computed from {f.service} monitor data over {phrases.clock(start.at, tz)}–{until} "
            f"{facts.zone} by a {f.method}."
        )
        out.append(Citation(PART, sentence, f.ids))
        if f.gap >= 1:
            out.append(
                Citation(
                    PART,
                    f"The samples cover {phrases.span_words(_delta(f.covered))} of the "
                    f"{phrases.span_words(_delta(f.window))} window; the uncovered time counts "
                    "as no failures.",
                    f.ids,
                )
            )
        if f.budget is not None:
            out.append(
                Citation(
                    PART,
                    f"The budget for {f.service} is taken against {f.budget_basis}.",
                    tuple(dict.fromkeys((*f.ids, *f.budget_ids))),
                )
            )
    return out


def _delta(seconds: float) -> dt.timedelta:
    return dt.timedelta(seconds=int(seconds))
