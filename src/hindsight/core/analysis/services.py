"""Services most often affected and most often contributing.

A service contributes to an incident when the document names it as contributing or its root
cause or factors mention it by name; the names come from every service any incident lists,
so an internal dependency that is never "affected" still counts once a document names it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.analysis.records import IncidentRecord


@dataclass(frozen=True)
class ServiceCount:
    name: str
    affected: tuple[str, ...]  # incident ids
    contributing: tuple[str, ...]


def _key(name: str) -> str:
    return name.strip().casefold()


def contributing_services(
    records: Sequence[IncidentRecord],
) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """Known service names (key → display) and, per incident, the services contributing."""
    names: dict[str, str] = {}
    for record in records:
        for name in (*record.services, *record.contributing_services):
            if len(_key(name)) >= 3:
                names.setdefault(_key(name), name.strip())
    out: dict[str, tuple[str, ...]] = {}
    if not names:
        return names, out
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
    for record in records:
        found = {_key(n) for n in record.contributing_services}
        text = " ".join((record.root_cause or "", *record.factors)).casefold()
        found.update(pattern.findall(text))
        if found:
            out[record.id] = tuple(sorted(found))
    return names, out


def count_services(records: Sequence[IncidentRecord]) -> tuple[ServiceCount, ...]:
    names, contributing = contributing_services(records)
    affected: dict[str, list[str]] = {}
    causes: dict[str, list[str]] = {}
    for record in records:
        for name in dict.fromkeys(_key(s) for s in record.services):
            affected.setdefault(name, []).append(record.id)
        for name in contributing.get(record.id, ()):
            causes.setdefault(name, []).append(record.id)
    keys = set(affected) | set(causes)
    counts = [
        ServiceCount(names.get(k, k), tuple(affected.get(k, ())), tuple(causes.get(k, ())))
        for k in keys
    ]
    return tuple(sorted(counts, key=lambda c: (-len(c.contributing), -len(c.affected), c.name)))
