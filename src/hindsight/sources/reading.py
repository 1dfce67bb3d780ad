"""Strict readers for payload fields: JSON, typed fields, and timestamps, all to UTC.

Every reader takes the payload's name and a field path so a failure says exactly which file
and which field is wrong (`alerts[2].startsAt: time has no zone`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from hindsight.core.events import FIELD_LIMITS, KEY_LIMIT, UTC, Event
from hindsight.sources.base import MAX_PAYLOAD_BYTES, SourceError

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?"
    r"(?:([Zz])|([+-])(\d{2}):?(\d{2}))?"
)
# The shape nearly every tool writes (UTC, `T`, `Z`, at most microseconds): read by the C
# parser, which is four times faster than taking the general pattern apart.
_ZULU = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?Z", re.ASCII)
GO_ZERO_TIME = "0001-01-01T00:00:00Z"


def load_json(name: str, data: bytes) -> Any:
    """The parsed JSON of a payload, or a `SourceError` saying what broke and where: invalid
    or truncated JSON, an integer too long to convert, nesting too deep, and text no store
    can keep (NUL, a lone surrogate)."""
    check_size(name, data)
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise SourceError(f"not UTF-8 text (byte {error.start})", where=name) from None
    except json.JSONDecodeError as error:
        # An unterminated string always runs to the end of the input: the body was cut short.
        near_end = len(error.doc.rstrip()) - error.pos <= 6  # e.g. cut inside a \\u0026
        cut = near_end or error.msg.startswith("Unterminated string")
        what = "truncated JSON" if cut else "invalid JSON"
        raise SourceError(
            f"{what}: {error.msg} at line {error.lineno} column {error.colno}", where=name
        ) from None
    except ValueError:  # the interpreter's limit on int(str): no tool sends such numbers
        raise SourceError(_long_number(data), where=name) from None
    except RecursionError:
        raise SourceError("JSON nested too deeply", where=name) from None
    if _UNSTORABLE_ESCAPE.search(data):  # only then can a decoded string hold one
        check_strings(value, name)
    return value


def _long_number(data: bytes) -> str:
    limit = sys.get_int_max_str_digits()
    found = re.search(rb"\d{%d,}" % (limit + 1), data)
    where = ""
    if found is not None:
        line = data.count(b"\n", 0, found.start()) + 1
        column = found.start() - (data.rfind(b"\n", 0, found.start()) + 1) + 1
        where = f" at line {line} column {column}"
    return f"a number with more than {limit:,} digits{where}: not a value any tool sends"


# `\u0000` and `\uD800`-`\uDFFF` escapes: the only ways strict JSON in UTF-8 spells NUL or a
# surrogate (raw NUL is invalid JSON, raw surrogates are invalid UTF-8).
_UNSTORABLE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")


def unstorable(value: str) -> str | None:
    """Why `value` cannot be stored as text (a NUL, a lone surrogate), or None."""
    if "\x00" in value:
        return "contains a NUL character (U+0000)"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            return f"contains a lone surrogate (U+{ord(value[error.start]):04X}), not text"
    return None


# The longest value a store keeps in each bounded event field (the events table's widths), and
# in a correlation key. Longer is no tool's evidence: refused, never cut (a key cut short
# could merge two events).


def check_events(name: str, events: Sequence[Event], keys: Sequence[str] = ()) -> None:
    """A `SourceError` for the first event holding text no store can keep (a NUL, a lone
    surrogate, more characters than its field holds), or a correlation key too long. Payload
    text is checked where it is decoded; this is the last look at everything an event
    carries (its name, what an adapter composed) before it is stored."""
    for event in events:
        actor = event.actor.name if event.actor else None
        fields: dict[str, str | None] = {
            "key": event.key,
            "source": event.source,
            "text": event.text,
            "actor": actor,
            "link": event.link,
            "raw": event.raw,
            "subject": event.subject,
            "fact": event.fact,
        }
        for i, named in enumerate((*event.services, *event.refs)):
            fields[f"services/refs[{i}]"] = named
        for label, value in fields.items():
            if not value:
                continue
            problem = unstorable(value)
            limit = FIELD_LIMITS.get(label)
            if problem is None and limit is not None and len(value) > limit:
                problem = f"is {len(value):,} characters long; at most {limit} are kept"
            if problem:
                raw = event.raw
                raise SourceError(
                    f"event {label} {problem}", where=raw if raw and not unstorable(raw) else name
                )
    for key in keys:
        if len(key) > KEY_LIMIT:
            raise SourceError(
                f"correlation key is {len(key):,} characters long; at most {KEY_LIMIT} are kept",
                where=name,
            )


def check_strings(value: Any, name: str, path: str = "") -> None:
    """A `SourceError` naming the first string (key or value) in a decoded JSON value that
    cannot be stored. Iterative: the value may be as deep as the decoder allows."""
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            problem = unstorable(item)
            if problem:
                raise SourceError(problem, where=name, field=where or None)
        elif isinstance(item, dict):
            for key, child in reversed(item.items()):
                problem = unstorable(key)
                if problem:
                    raise SourceError(f"a key {problem}", where=name, field=where or None)
                stack.append((_join(where, key), child))
        elif isinstance(item, list):
            stack.extend((f"{where}[{i}]", child) for i, child in reversed(list(enumerate(item))))


def check_size(name: str, data: bytes, limit: int = MAX_PAYLOAD_BYTES) -> None:
    if len(data) > limit:
        raise SourceError(
            f"payload is {len(data):,} bytes; at most {limit:,} are accepted", where=name
        )


def obj(value: Any, name: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(f"expected an object, got {_type(value)}", where=name, field=path)
    return value


def arr(value: Any, name: str, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise SourceError(f"expected an array, got {_type(value)}", where=name, field=path)
    return value


def req(mapping: Mapping[str, Any], key: str, name: str, path: str) -> Any:
    if key not in mapping or mapping[key] is None:
        raise SourceError("required field is missing", where=name, field=_join(path, key))
    return mapping[key]


def text(mapping: Mapping[str, Any], key: str, name: str, path: str) -> str:
    """A required, non-empty string field."""
    value = req(mapping, key, name, path)
    if not isinstance(value, str):
        raise SourceError(
            f"expected a string, got {_type(value)}", where=name, field=_join(path, key)
        )
    if not value:
        raise SourceError("must not be empty", where=name, field=_join(path, key))
    return value


def opt_text(mapping: Mapping[str, Any], key: str, name: str, path: str) -> str | None:
    """An optional string field: absent, null and "" read as None."""
    value = mapping.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise SourceError(
            f"expected a string, got {_type(value)}", where=name, field=_join(path, key)
        )
    return value


def listed(value: Any) -> list[Any]:
    """An optional array whose items the caller filters: anything else reads as empty."""
    return value if isinstance(value, list) else []


def opt_obj(mapping: Mapping[str, Any], key: str, name: str, path: str) -> dict[str, Any]:
    value = mapping.get(key)
    return {} if value is None else obj(value, name, _join(path, key))


def str_map(mapping: Mapping[str, Any], key: str, name: str, path: str) -> dict[str, str]:
    """An optional object of string values (labels, annotations)."""
    value = opt_obj(mapping, key, name, path)
    for k, v in value.items():
        if not isinstance(v, str):
            raise SourceError(
                f"expected a string, got {_type(v)}", where=name, field=f"{_join(path, key)}.{k}"
            )
    return value


def instant(value: Any, name: str, path: str) -> dt.datetime:
    """An RFC 3339 time with `Z` or an offset, 0-9 fraction digits, as UTC (to the µs)."""
    if not isinstance(value, str):
        raise SourceError(f"expected a time string, got {_type(value)}", where=name, field=path)
    if _ZULU.fullmatch(value):
        try:
            return dt.datetime.fromisoformat(value)  # tzinfo is datetime.UTC itself
        except ValueError as error:
            raise SourceError(f"{value!r}: {error}", where=name, field=path) from None
    match = _RFC3339.fullmatch(value.strip())
    if match is None:
        raise SourceError(f"{value!r} is not an RFC 3339 time", where=name, field=path)
    y, mo, d, h, mi, s, frac, zulu, sign, oh, om = match.groups()
    if not zulu and not sign:
        raise SourceError(
            f"time {value!r} has no zone (add Z or an offset such as +01:00)",
            where=name,
            field=path,
        )
    micro = int(frac[:6].ljust(6, "0")) if frac else 0  # Python keeps µs; nanoseconds are cut
    try:
        if zulu:  # already UTC: no zone to build or convert from (the common case, and hot)
            return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s), micro, UTC)
        offset = dt.timedelta(hours=int(oh), minutes=int(om))
        offset = -offset if sign == "-" else offset
        local = dt.datetime(
            int(y), int(mo), int(d), int(h), int(mi), int(s), micro, tzinfo=dt.timezone(offset)
        )
        return local.astimezone(UTC)  # overflows for a time at the very ends of the calendar
    except (ValueError, OverflowError) as error:
        raise SourceError(f"{value!r}: {error}", where=name, field=path) from None


def end_instant(value: Any, name: str, path: str) -> dt.datetime | None:
    """Like `instant`, but Go's zero time (and null) mean "has not ended"."""
    if value is None or value == GO_ZERO_TIME:
        return None
    if isinstance(value, str) and value.startswith("0001-01-01T00:00:00"):
        return None
    return instant(value, name, path)


# Epoch readers use integer arithmetic: Opsgenie's nanosecond times exceed 2**53.
_EPOCH_MIN = dt.datetime(2000, 1, 1, tzinfo=UTC)
_EPOCH_MAX = dt.datetime(2200, 1, 1, tzinfo=UTC)


def epoch(value: Any, name: str, path: str, *, unit: str) -> dt.datetime:
    """Unix time as an int (or digit string) in "s", "ms" or "ns", to the microsecond."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SourceError(f"expected an integer time, got {_type(value)}", where=name, field=path)
    if isinstance(value, str):
        if not value.isdigit():
            raise SourceError(f"{value!r} is not a Unix time", where=name, field=path)
        value = int(value)
    micros = {"s": value * 1_000_000, "ms": value * 1000, "ns": value // 1000}[unit]
    return _from_micros(micros, value, name, path)


def slack_ts(value: Any, name: str, path: str) -> dt.datetime:
    """A Slack `ts` ("1710425470.123456"): seconds and microseconds, exact."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{1,12}(\.\d{1,6})?", value):
        raise SourceError(f"{value!r} is not a Slack ts", where=name, field=path)
    whole, _, frac = value.partition(".")
    return _from_micros(int(whole) * 1_000_000 + int(frac.ljust(6, "0")), value, name, path)


_UNIX_ZERO = dt.datetime(1970, 1, 1, tzinfo=UTC)
_MICROS_MIN = (_EPOCH_MIN - _UNIX_ZERO) // dt.timedelta(microseconds=1)
_MICROS_MAX = (_EPOCH_MAX - _UNIX_ZERO) // dt.timedelta(microseconds=1)


def _from_micros(micros: int, original: object, name: str, path: str) -> dt.datetime:
    # Checked as an integer first: a time past year 9999 is no datetime at all.
    if not _MICROS_MIN <= micros < _MICROS_MAX:
        shown = repr(original) if len(repr(original)) <= 40 else f"{repr(original)[:37]}..."
        raise SourceError(f"{shown} is outside 2000-2199 (wrong unit?)", where=name, field=path)
    return _UNIX_ZERO + dt.timedelta(microseconds=micros)


def pointer(name: str, *parts: object) -> str:
    """`file#/a/0/b`: the raw-payload reference an event keeps for the reference materials."""
    return name + "#" + "".join(f"/{p}" for p in parts)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type(value: Any) -> str:
    return {
        dict: "an object",
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)
