"""De-duplication: the same fact, told twice, is kept once.

Two passes. By `key`: a re-delivered webhook, a repeated Alertmanager notification or a
re-imported file carries the key it had the first time. By `fact`: the same fact reached us by
two paths with different keys (a PagerDuty webhook and the REST log entry for it). Among
copies the most complete one wins (`fidelity`), then a total order over every field, so the
survivor never depends on arrival order.
"""

from __future__ import annotations

from collections.abc import Iterable

from hindsight.core.events import Event


def dedupe(events: Iterable[Event]) -> list[Event]:
    by_key: dict[str, Event] = {}
    for event in events:
        kept = by_key.get(event.key)
        # `is` first: a re-import hands us the very same objects, and ranking is not free.
        if kept is None or (kept is not event and event.rank() < kept.rank()):
            by_key[event.key] = event
    survivors = by_key.values()
    by_fact: dict[str, Event] = {}
    for event in survivors:
        if event.fact is None:
            continue
        kept = by_fact.get(event.fact)
        if kept is None or event.rank() < kept.rank():
            by_fact[event.fact] = event
    if not by_fact:
        return list(survivors)
    return [e for e in survivors if e.fact is None or by_fact[e.fact] is e]
