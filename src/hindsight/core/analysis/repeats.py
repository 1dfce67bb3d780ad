"""Repeats: "has this happened before?" — an incident that shares a service and a factor
theme with an earlier one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hindsight.core.analysis.factors import FactorTheme
from hindsight.core.analysis.records import IncidentRecord

MAX_EARLIER = 5


@dataclass(frozen=True)
class Repeat:
    incident: str
    earlier: tuple[str, ...]  # most recent first
    service: str
    theme: str


def find_repeats(
    records: Sequence[IncidentRecord],
    themes: Sequence[FactorTheme],
    contributing: Mapping[str, tuple[str, ...]],
) -> tuple[Repeat, ...]:
    theme_of: dict[str, list[int]] = {}
    for index, theme in enumerate(themes):
        for incident in theme.incidents:
            theme_of.setdefault(incident, []).append(index)
    seen: dict[tuple[str, int], list[str]] = {}
    out: list[Repeat] = []
    ordered = sorted(records, key=lambda r: (r.date or dt.date.min, r.id))
    for record in ordered:
        services = dict.fromkeys(
            (*(s.casefold() for s in record.services), *contributing.get(record.id, ()))
        )
        found: Repeat | None = None
        for service in services:
            for number in theme_of.get(record.id, ()):
                earlier = seen.setdefault((service, number), [])
                if earlier and found is None:
                    recent = tuple(reversed(earlier[-MAX_EARLIER:]))
                    found = Repeat(record.id, recent, service, themes[number].label)
                earlier.append(record.id)
        if found is not None:
            out.append(found)
    return tuple(out)
