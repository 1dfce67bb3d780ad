"""Events in the form the events table stores them, as plain tuples: what the bulk insert binds
(SQLite) or copies (PostgreSQL).

Pure — no SQLAlchemy, no connection — so the values can be built wherever the events are
parsed, a parse worker process included (`services/parse_ahead.py`). Each tuple holds the
`COLUMNS` in order; the incident and the payload are added by the insert, which knows them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from hindsight.core.events import Event, EventKind

# Every events column but `id`, `incident_id` and `payload_id`, in table order (the event
# repository checks this against the table, so a new column cannot be silently dropped).
COLUMNS = (
    "key",
    "at",
    "source",
    "kind",
    "text",
    "actor",
    "actor_is_bot",
    "services",
    "link",
    "raw",
    "refs",
    "subject",
    "fact",
    "fidelity",
)

StoredValues = list[tuple[Any, ...]]

_KIND_TEXT = {kind: kind.value for kind in EventKind}


def sqlite_time(at: dt.datetime) -> str:
    """An aware instant as SQLAlchemy's SQLite DATETIME text of its UTC time, e.g.
    `2026-03-14 14:00:00.007000` (fixed width, so text order is time order)."""
    if at.tzinfo is None:
        raise ValueError(f"naive datetime {at!r}: store aware UTC instants only")
    if at.tzinfo is not dt.UTC:
        at = at.astimezone(dt.UTC)
    return at.isoformat(" ", "microseconds")[:26]


class _JsonArrays:
    """`json.dumps` of short lists of strings, remembered: a batch repeats a few values."""

    def __init__(self) -> None:
        self.seen: dict[tuple[Any, ...], str] = {}

    def __call__(self, values: Sequence[Any]) -> str:
        key = tuple(values)
        text = self.seen.get(key)
        if text is None:
            text = self.seen[key] = json.dumps(list(values))
        return text


def stored_values(found: Iterable[Event], backend: str) -> StoredValues:
    """Each event as a tuple of `COLUMNS` in `backend`'s stored form: JSON as text on both;
    on SQLite the time as naive UTC text and booleans as integers (what SQLAlchemy's column
    types store there), on PostgreSQL the aware time itself."""
    sqlite = backend == "sqlite"
    dumps = _JsonArrays()
    kinds = _KIND_TEXT
    values: StoredValues = []
    append = values.append
    for e in found:
        actor = e.actor
        append(
            (
                e.key,
                sqlite_time(e.at) if sqlite else e.at,
                e.source,
                kinds[e.kind],
                e.text,
                None if actor is None else actor.name,
                False if actor is None else actor.is_bot,
                dumps(e.services),
                e.link,
                e.raw,
                dumps(e.refs),
                e.subject,
                e.fact,
                e.fidelity,
            )
        )
    return values
