"""Hostile payloads are `SourceError`s naming what and where, never a crash: numbers past the
interpreter's digit limit, nesting past its recursion limit, times past the calendar, text no
store keeps (NUL, lone surrogates), malformed CSV, blank names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from hindsight.sources import SOURCES, SourceError
from hindsight.sources.reading import check_events, epoch, instant, load_json, slack_ts
from tests.sources.helpers import evidence, payload_json

JSON_EVIDENCE = [e for e in evidence() if e[1].endswith(".json")]


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"a": [1, ' + b"7" * 5000 + b"]}", "more than 4,300 digits at line 1 column 11"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": {"b": ["ok", "x\\u0000"]}}', "a.b[1]: contains a NUL"),
        (b'{"a": "\\ud800"}', "a: contains a lone surrogate (U+D800)"),
        (b'{"\\udfff": 1}', "a key contains a lone surrogate"),
    ],
)
def test_the_one_json_decode_refuses_what_no_tool_sends(data: bytes, words: str) -> None:
    with pytest.raises(SourceError, match=re.escape(words)):
        load_json("body.json", data)


def test_escaped_text_that_is_fine_stays_fine() -> None:
    assert load_json("b", b'{"a": "\\ud83d\\ude00 \\\\u0000"}') == {"a": "\U0001f600 \\u0000"}


@pytest.mark.parametrize(
    ("read", "value"),
    [
        (lambda v: epoch(v, "b", "f", unit="ms"), 10**30),
        (lambda v: epoch(v, "b", "f", unit="s"), -(10**20)),
        (lambda v: slack_ts(v, "b", "f"), "999999999999.000001"),
        (lambda v: instant(v, "b", "f"), "9999-12-31T23:59:59-01:00"),
        (lambda v: instant(v, "b", "f"), "0001-01-01T00:00:00+01:00"),
    ],
)
def test_times_past_the_calendar_are_refused(read: object, value: object) -> None:
    assert callable(read)
    with pytest.raises(SourceError) as caught:
        read(value)
    assert caught.value.field == "f"


def test_generic_refuses_a_malformed_header_and_nul() -> None:
    generic = SOURCES["generic"]
    with pytest.raises(SourceError, match="malformed CSV"):
        generic.parse("t.csv", b"time," + b"x" * 200_000 + b"\n")
    with pytest.raises(SourceError, match="NUL") as caught:
        generic.parse("t.csv", b"time,text\n2026-03-14T14:00:00Z,ok\n2026-03-14T14:00:01Z,a\x00\n")
    assert caught.value.file == "t.csv:3"
    with pytest.raises(SourceError, match="text: contains a NUL") as caught:
        generic.parse("t.jsonl", b'{"time": "2026-03-14T14:00:00Z", "text": "a\\u0000"}\n')
    assert caught.value.file == "t.jsonl:1"


def test_blank_names_are_no_actor_and_no_service() -> None:
    body = payload_json("opsgenie/02-acknowledge.json")
    body["alert"]["username"] = "   "
    (event,) = SOURCES["opsgenie"].parse("o.json", json.dumps(body).encode())
    assert event.actor is None or event.actor.name.strip()
    body = payload_json("github/04-deployment-production.json")
    body["deployment"]["creator"] = {"login": " "}
    body["repository"]["name"] = ""
    (event,) = SOURCES["github"].parse("g.json", json.dumps(body).encode())
    assert event.actor is None


def test_events_longer_than_the_store_keeps_are_refused() -> None:
    body = payload_json("alertmanager/01-firing.json")
    body["alerts"][0]["fingerprint"] = "f" * 600
    events = SOURCES["alertmanager"].parse("a.json", json.dumps(body).encode())
    with pytest.raises(SourceError, match="event key is"):
        check_events("a.json", events)
    with pytest.raises(SourceError, match="correlation key"):
        check_events("a.json", (), ["k" * 501])


# A value of every JSON type and the edge values that broke adapters once.
SWAPS = (
    [],
    {},
    [[]],
    {"a": {}},
    0,
    -1,
    10**30,
    1.5,
    True,
    None,
    "",
    " ",
    "x\x00",
    "\ud800",
    "k" * 600,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if prefix:
        yield prefix
    if isinstance(value, dict | list):
        children = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in children:
            yield from _paths(child, (*prefix, key))


def _swapped(body: Any, path: tuple[Any, ...], new: Any) -> bytes:
    copy = json.loads(json.dumps(body))
    node = copy
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = new
    return json.dumps(copy).encode()


@pytest.mark.parametrize(
    ("source", "name", "data"), JSON_EVIDENCE, ids=[e[1] for e in JSON_EVIDENCE]
)
def test_any_value_anywhere_is_events_or_a_source_error(
    source: str, name: str, data: bytes
) -> None:
    """Every field of every sample, swapped for each value in `SWAPS`: the adapter gives
    storable events or a `SourceError`, never another exception."""
    body = json.loads(data)
    tried = 0
    for path in _paths(body):
        for new in SWAPS:
            swapped = _swapped(body, path, new)
            try:
                found = SOURCES[source].parse(name, swapped)
                check_events(name, found, sorted(SOURCES[source].correlation_keys(swapped, found)))
            except SourceError:
                pass
            tried += 1
    assert tried >= len(SWAPS)
