"""Hostile deliveries for the webhook fuzz suite: the sample delivery of each source, mutated
(a value replaced by something no tool sends, a key dropped, the bytes cut or corrupted), and
a tally of what the server answered, printed at the end of the run."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

from hypothesis import strategies as st

from tests.api.hooks.signing import sample

PLACEHOLDER = "\x01HOSTILE\x01"

# JSON text spliced in where a value was: each one a 500 somewhere once.
HOSTILE_JSON = (
    "9" * 5000,  # over the interpreter's 4,300-digit limit on int(str)
    "1" + "0" * 30,  # 10^30: no datetime that far
    "-1",
    "0",
    "1e308",
    "-1e999",
    "true",
    "null",
    "[]",
    "{}",
    '""',
    '"   "',
    '"\\u0000"',
    '"checkout \\u0000 api"',
    '"\\ud800"',
    '"x \\udfff y"',
    '"\\ud83d\\ude00"',  # a valid pair: an emoji, which must be fine
    '"9999-12-31T23:59:59-01:00"',
    '"0001-01-01T00:00:00+01:00"',
    '"0000-00-00T00:00:00Z"',
    '"999999999999.999999"',
    '"' + "x" * 20_000 + '"',
    "[" * 100_000 + "]" * 100_000,  # deeper than any decoder recurses
    '{"a": ' * 3000 + "1" + "}" * 3000,
    '"<script>alert(1)</script>"',
    '"\\u202e\\u2028\\t\\n"',
)
HOSTILE_CELLS = (
    "\x00",
    "a\x00b",
    '"unterminated',
    "x" * 200_000,  # over the csv module's field limit
    "9" * 5000,
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00",
    "1" + "0" * 30,
    "  ",
    "a,b,c",
    "\r\n",
    "\ufeff",
)


# Letters, digits, punctuation, spaces, control characters and lone surrogates.
ANY_CHARACTER = st.characters(categories=["L", "N", "P", "S", "Zs", "Cc", "Cs"])


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found.extend(_paths(child, (*prefix, i)))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any, *, delete: bool = False) -> Any:
    copy = json.loads(json.dumps(value))
    node = copy
    for part in path[:-1]:
        node = node[part]
    if delete and isinstance(node, dict):
        del node[path[-1]]
    else:
        node[path[-1]] = new
    return copy


@st.composite
def json_delivery(draw: st.DrawFn, source: str) -> bytes:
    """The source's sample delivery with one hostile change."""
    body = json.loads(sample(source))
    paths = _paths(body)
    how = draw(st.sampled_from(("value", "value", "value", "delete", "text", "bytes")))
    if how in ("value", "delete", "text"):
        path = draw(st.sampled_from(paths))
        if how == "delete":
            return json.dumps(_replace(body, path, None, delete=True)).encode()
        if how == "text":  # any text at all, surrogates and control characters included
            new = draw(st.text(ANY_CHARACTER, max_size=40))
            return json.dumps(_replace(body, path, new)).encode()
        fragment = draw(st.sampled_from(HOSTILE_JSON))
        text = json.dumps(_replace(body, path, PLACEHOLDER))
        return text.replace(json.dumps(PLACEHOLDER), fragment, 1).encode()
    return _corrupt(draw, sample(source))


@st.composite
def csv_delivery(draw: st.DrawFn) -> bytes:
    """The generic source's sample CSV with one hostile change."""
    rows = list(csv.reader(io.StringIO(sample("generic").decode("utf-8"))))
    how = draw(st.sampled_from(("cell", "cell", "text", "columns", "bytes")))
    if how in ("cell", "text"):
        row = draw(st.integers(0, len(rows) - 1))
        column = draw(st.integers(0, len(rows[row]) - 1))
        if how == "cell":
            rows[row][column] = draw(st.sampled_from(HOSTILE_CELLS))
        else:
            rows[row][column] = draw(st.text(st.characters(codec="utf-8"), max_size=40))
    elif how == "columns":
        row = draw(st.integers(0, len(rows) - 1))
        rows[row] = rows[row] + ["extra"] * draw(st.integers(1, 3))
    else:
        return _corrupt(draw, sample("generic"))
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def _corrupt(draw: st.DrawFn, data: bytes) -> bytes:
    """Byte-level damage: cut short, a byte changed, bytes inserted."""
    at = draw(st.integers(0, len(data) - 1))
    how = draw(st.sampled_from(("cut", "flip", "insert")))
    if how == "cut":
        return data[: max(at, 1)]
    if how == "flip":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    return data[:at] + draw(st.binary(min_size=1, max_size=16)) + data[at:]


def delivery(source: str) -> st.SearchStrategy[bytes]:
    return csv_delivery() if source == "generic" else json_delivery(source)


# (backend, source, answer) → how many; printed by this folder's conftest at the end.
TALLY: Counter[tuple[str, str, str]] = Counter()


def summary() -> list[str]:
    if not TALLY:
        return []
    lines = ["webhook fuzz: answers per backend and source (status: count)"]
    for backend in sorted({b for b, _, _ in TALLY}):
        for source in sorted({s for b, s, _ in TALLY if b == backend}):
            answers = {a: n for (b, s, a), n in TALLY.items() if b == backend and s == source}
            shown = ", ".join(f"{a}: {n}" for a, n in sorted(answers.items()))
            lines.append(f"  {backend:<10} {source:<12} {shown}")
    total = sum(TALLY.values())
    failures = sum(n for (_, _, a), n in TALLY.items() if a.startswith("5"))
    lines.append(f"  {total} deliveries, {failures} answered 5xx")
    return lines
