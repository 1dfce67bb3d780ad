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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from hindsight.core.events import FIELD_LIMITS, Actor, Event, EventKind, format_instant
from hindsight.sources.base import NO_KEYS, SourceError
from hindsight.sources.reading import check_size, check_strings, epoch, instant
from hindsight.sources.webhook import BEARER, Delivery, Payload, Reply, Webhook

CSV = "text/csv"


def prepare(delivery: Delivery) -> Reply | Payload:
    """The parser tells CSV from JSON Lines by the name: give the stored name its suffix."""
    return Payload(delivery.body, ".csv" if delivery.content_type == CSV else ".jsonl")


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
    webhook = Webhook(
        summary="Any tool: JSON Lines or CSV events (Authorization: Bearer token)",
        verify=BEARER,
        content_types=("application/json", "application/x-ndjson", "application/jsonl", CSV),
        prepare=prepare,
    )

    def __init__(self, mapping: ColumnMapping | None = None) -> None:
        self.mapping = mapping or ColumnMapping()

    def detect(self, name: str, data: bytes) -> bool:
        return name.lower().endswith((".csv", ".jsonl", ".ndjson"))

    def parse(self, name: str, data: bytes, *, first_line: int = 1) -> tuple[Event, ...]:
        """Every record's event; `first_line` numbers the lines of a batch cut from a larger
        file, so errors and raw pointers name the line of the whole file."""
        check_size(name, data)
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise SourceError(f"not UTF-8 text (byte {error.start})", where=name) from None
        if "\x00" in content:  # no store keeps it (raw in CSV, as \u0000 in JSON Lines below)
            line = content.count("\n", 0, content.index("\x00")) + first_line
            raise SourceError("contains a NUL character (U+0000)", where=f"{name}:{line}")
        if name.lower().endswith(".csv"):
            rows = _csv_rows(name, content, first_line)
        else:
            rows = _jsonl_rows(name, content, first_line)
        read = _RecordReader(self.mapping, name)
        return tuple([read(line, row) for line, row in rows])

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        return NO_KEYS


class _RecordReader:
    """One record → one event. Hot: it runs once per line of exports with millions of lines,
    so each value is computed once, the common shapes (one service, a known kind) take short
    paths, and the values a batch repeats (actors, service lists) are built once."""

    def __init__(self, mapping: ColumnMapping, name: str) -> None:
        self.m = mapping
        self.name = name
        self.actors: dict[tuple[str, bool], Actor] = {}
        self.services: dict[str, tuple[str, ...]] = {}

    def __call__(self, line: int, row: dict[str, Any]) -> Event:
        m, name = self.m, self.name
        at = _time(name, line, m.at, row.get(m.at))
        body = row.get(m.text)
        if not isinstance(body, str) or not body or body.isspace():
            raise SourceError("required text is missing", where=f"{name}:{line}", field=m.text)
        kind_text = _cell(row, m.kind)
        kind = m.default_kind
        if kind_text:
            found = _KINDS.get(kind_text) or _KINDS.get(kind_text.strip().lower())
            if found is None:
                kind = EventKind.OTHER
                body = f"[{kind_text}] {body}"
            else:
                kind = found
        actor_name = _cell(row, m.actor)
        services_text = _cell(row, m.services)
        services = self.services.get(services_text or "")
        if services is None:
            services = self.services[services_text or ""] = _services(services_text)
        source = (_cell(row, m.source) or "").strip() or m.default_source
        ident = _cell(row, m.id)
        if not ident:  # the record itself is its identity
            basis = json.dumps([format_instant(at), kind.value, body, actor_name], sort_keys=True)
            ident = hashlib.sha256(basis.encode()).hexdigest()[:16]
        text = body.strip()
        actor = None
        if actor_name and not actor_name.isspace():
            bot = (_cell(row, m.is_bot) or "").strip().lower() in _BOT_WORDS
            actor = self.actors.get((actor_name, bot))
            if actor is None:
                actor = self.actors[actor_name, bot] = Actor(actor_name.strip(), is_bot=bot)
        kind_value = _KIND_VALUES[kind]
        return Event(
            at,
            source,
            kind,
            f"{source}:{ident}",
            text,
            actor,
            services,
            _cell(row, m.link) or None,
            f"{name}#L{line}",
            (),
            # What a storm of the same record groups by; the text cut so it fits its field.
            f"{source}:{kind_value}:{text}"[:SUBJECT_LIMIT],
        )


_KINDS = {kind.value: kind for kind in EventKind}
SUBJECT_LIMIT = FIELD_LIMITS["subject"]
_KIND_VALUES = {kind: kind.value for kind in EventKind}
_BOT_WORDS = frozenset(("1", "true", "yes", "bot"))


def _services(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    if "," in text or ";" in text:
        parts = (s.strip() for s in text.replace(";", ",").split(","))
        return tuple(s for s in parts if s)
    one = text.strip()
    return (one,) if one else ()


def _cell(row: dict[str, Any], column: str | None) -> str | None:
    if column is None:
        return None
    value = row.get(column)
    if value.__class__ is str:
        return value or None
    if value is None:
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


def _csv_rows(name: str, content: str, first_line: int) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(content))
    shift = first_line - 1
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        if not reader.fieldnames:  # reads the header row, which may be malformed too
            raise SourceError("empty CSV: a header row is needed", where=name)
        for row in reader:
            if None in row:
                raise SourceError(
                    "more cells than header columns", where=f"{name}:{reader.line_num + shift}"
                )
            if any(v for v in row.values()):
                rows.append((reader.line_num + shift, dict(row)))
    except csv.Error as error:
        where = f"{name}:{reader.line_num + shift}"
        raise SourceError(f"malformed CSV: {error}", where=where) from None
    return rows


def _jsonl_rows(name: str, content: str, first_line: int) -> list[tuple[int, dict[str, Any]]]:
    # Lines end at \n only (a JSON string may hold U+2028 and the like; a \r is whitespace).
    rows: list[tuple[int, dict[str, Any]]] = []
    loads = orjson.loads
    escaped_nul = "\\u0000" in content  # the one way JSON spells what no store keeps
    for number, line in enumerate(content.split("\n"), start=first_line):
        try:
            value = loads(line)
        except orjson.JSONDecodeError as error:
            if not line or line.isspace():
                continue
            raise SourceError(f"invalid JSON: {error.msg}", where=f"{name}:{number}") from None
        if not isinstance(value, dict):
            raise SourceError("each line must be a JSON object", where=f"{name}:{number}")
        if escaped_nul and "\\u0000" in line:
            check_strings(value, f"{name}:{number}")
        rows.append((number, value))
    return rows
