"""Any other tool, and hand-written timelines: JSON Lines or CSV with a declared column mapping.

Each record is one event. The mapping names the column (or JSON key) for each event field;
the defaults fit a file written by hand (`time,kind,service,text,actor,source,link,id`).
Without an id column the key is a hash of the record, so re-importing the same file adds
nothing. A kind that is not an `EventKind` value is kept as `other`, never dropped.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from dataclasses import dataclass
from typing import Any

from hindsight.core.events import Actor, Event, EventKind, format_instant
from hindsight.sources.base import SourceError
from hindsight.sources.reading import check_size, epoch, instant

FIELDS = ("at", "kind", "text", "actor", "is_bot", "services", "source", "link", "id")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds each event field. `at` and `text` are required."""

    at: str = "time"
    text: str = "text"
    kind: str | None = "kind"
    actor: str | None = "actor"
    is_bot: str | None = "is_bot"
    services: str | None = "service"
    source: str | None = "source"
    link: str | None = "link"
    id: str | None = "id"
    default_kind: EventKind = EventKind.NOTE
    default_source: str = "generic"

    @classmethod
    def from_pairs(cls, pairs: dict[str, str]) -> ColumnMapping:
        """From `field=column` settings (as the CLI's `--column` gives them)."""
        unknown = sorted(set(pairs) - set(FIELDS))
        if unknown:
            raise SourceError(
                f"unknown field(s) {', '.join(unknown)}",
                where="--column",
                fix=f"map any of {', '.join(FIELDS)}",
            )
        # dataclasses.replace keeps the defaults of every field not named.
        changes: dict[str, Any] = {k: v or None for k, v in pairs.items()}
        for required in ("at", "text"):
            if required in changes and changes[required] is None:
                raise SourceError(
                    f"{required} needs a column name", where="--column", fix=f"{required}=COLUMN"
                )
        return dataclasses.replace(cls(), **changes)


class GenericSource:
    name = "generic"

    def __init__(self, mapping: ColumnMapping | None = None) -> None:
        self.mapping = mapping or ColumnMapping()

    def detect(self, name: str, data: bytes) -> bool:
        return name.lower().endswith((".csv", ".jsonl", ".ndjson"))

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        check_size(name, data)
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SourceError(f"not UTF-8 text (byte {error.start})", where=name) from None
        if name.lower().endswith(".csv"):
            rows = _csv_rows(name, content)
        else:
            rows = _jsonl_rows(name, content)
        return tuple(self._event(name, line, row) for line, row in rows)

    def _event(self, name: str, line: int, row: dict[str, Any]) -> Event:
        # Hot: runs once per record of exports with millions of lines, so each value is
        # computed once and the common shapes (one service, a known kind) take short paths.
        m = self.mapping
        at = _time(name, line, m.at, row.get(m.at))
        body = row.get(m.text)
        if not isinstance(body, str) or not body.strip():
            raise SourceError("required text is missing", where=f"{name}:{line}", field=m.text)
        kind_text = _cell(row, m.kind)
        kind = m.default_kind
        if kind_text:
            found = _KINDS.get(kind_text.strip().lower())
            if found is None:
                kind = EventKind.OTHER
                body = f"[{kind_text}] {body}"
            else:
                kind = found
        actor_name = _cell(row, m.actor)
        bot = (_cell(row, m.is_bot) or "").strip().lower() in _BOT_WORDS
        services_text = _cell(row, m.services)
        if not services_text:
            services: tuple[str, ...] = ()
        elif "," in services_text or ";" in services_text:
            parts = (s.strip() for s in services_text.replace(";", ",").split(","))
            services = tuple(s for s in parts if s)
        else:
            one = services_text.strip()
            services = (one,) if one else ()
        source = (_cell(row, m.source) or m.default_source).strip()
        ident = _cell(row, m.id)
        if not ident:  # the record itself is its identity
            basis = json.dumps([format_instant(at), kind.value, body, actor_name], sort_keys=True)
            ident = hashlib.sha256(basis.encode()).hexdigest()[:16]
        text = body.strip()
        actor = actor_name.strip() if actor_name else None
        return Event(
            at=at,
            source=source,
            kind=kind,
            key=f"{source}:{ident}",
            text=text,
            actor=Actor(actor, is_bot=bot) if actor else None,
            services=services,
            link=_cell(row, m.link) or None,
            raw=f"{name}#L{line}",
            subject=f"{source}:{kind.value}:{text}",
        )


_KINDS = {kind.value: kind for kind in EventKind}
_BOT_WORDS = frozenset(("1", "true", "yes", "bot"))


def _cell(row: dict[str, Any], column: str | None) -> str | None:
    if column is None:
        return None
    value = row.get(column)
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _time(name: str, line: int, column: str, value: Any) -> Any:
    if value is None or value == "":
        raise SourceError("required time is missing", where=f"{name}:{line}", field=column)
    if isinstance(value, int) and not isinstance(value, bool):
        unit = "ms" if value > 10**11 else "s"
        return epoch(value, f"{name}:{line}", column, unit=unit)
    return instant(value, f"{name}:{line}", column)


def _csv_rows(name: str, content: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(content))
    if not reader.fieldnames:
        raise SourceError("empty CSV: a header row is needed", where=name)
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        for row in reader:
            if None in row:
                raise SourceError(
                    "more cells than header columns", where=f"{name}:{reader.line_num}"
                )
            if any(v for v in row.values()):
                rows.append((reader.line_num, dict(row)))
    except csv.Error as error:
        raise SourceError(f"malformed CSV: {error}", where=f"{name}:{reader.line_num}") from None
    return rows


def _jsonl_rows(name: str, content: str) -> list[tuple[int, dict[str, Any]]]:
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise SourceError(f"invalid JSON: {error.msg}", where=f"{name}:{number}") from None
        if not isinstance(value, dict):
            raise SourceError("each line must be a JSON object", where=f"{name}:{number}")
        rows.append((number, value))
    return rows
