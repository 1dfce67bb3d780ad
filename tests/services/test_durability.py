"""Nothing lost: concurrent editors, backup and restore, across both backends."""

from __future__ import annotations

import base64
import io
import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from hindsight.core.errors import InputError, UserError
from hindsight.services.backup import backup, restore
from hindsight.services.errors import ConflictError
from hindsight.services.incidents import create_incident
from hindsight.services.postmortems import (
    get_postmortem,
    postmortem_history,
    start_postmortem,
    update_postmortem,
)
from hindsight.store.engine import open_store
from hindsight.store.unit_of_work import UnitOfWork
from tests.services.test_ingest import ingest_all, snapshot
from tests.services.test_postmortems import _with_actions


def test_two_writers_from_the_same_version_one_wins_one_conflicts(fresh_url: str) -> None:
    engine = open_store(fresh_url)
    try:
        uow = UnitOfWork(engine)
        incident = create_incident(uow, title="Checkout errors")
        base = start_postmortem(uow, incident.id, author="priya")
        barrier = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def write(author: str) -> None:
            text = base.markdown + f"\nNote from {author}.\n"
            barrier.wait()
            try:
                update_postmortem(
                    UnitOfWork(engine), incident.id, text, expected_version=1, author=author
                )
                outcomes[author] = "saved"
            except ConflictError:
                outcomes[author] = "conflict"

        threads = [threading.Thread(target=write, args=(a,)) for a in ("alex", "sam")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes.values()) == ["conflict", "saved"]
        winner = next(a for a, o in outcomes.items() if o == "saved")
        history = postmortem_history(uow, incident.id)
        assert [(r.version, r.author) for r in history] == [(1, "priya"), (2, winner)]
        assert get_postmortem(uow, incident.id).markdown.endswith(f"Note from {winner}.\n")
    finally:
        engine.dispose()


def _fill(uow: UnitOfWork) -> None:
    incident = create_incident(uow, title="Checkout errors", severity="SEV-2")
    ingest_all(uow, incident.id)
    v1 = get_postmortem(uow, incident.id)  # drafted by itself: the evidence resolved a SEV-2
    assert v1.updated_by == "hindsight (auto-draft)"
    update_postmortem(uow, incident.id, _with_actions(v1.markdown), expected_version=1, author="j")
    create_incident(uow, title="A quiet near-miss", services=("search",))


@pytest.mark.parametrize("target_backend", ["sqlite", "postgresql"])
def test_backup_then_restore_into_an_empty_store_reproduces_everything(
    uow: UnitOfWork, new_database: Callable[[str], str], target_backend: str
) -> None:
    _fill(uow)
    before = snapshot(uow)
    out = io.StringIO()
    counts = backup(uow, out)
    assert counts["events"] == len(before["events"]) > 30
    assert counts["postmortem_revisions"] == 2 and counts["action_items"] == 2
    engine = open_store(new_database(target_backend))
    try:
        target = UnitOfWork(engine)
        assert restore(target, io.StringIO(out.getvalue())) == counts
        after = snapshot(target)
        restored_audit = after.pop("audit_log")
        original_audit = before.pop("audit_log")
        assert after == before
        assert restored_audit[:-1] == original_audit  # plus one row: the restore itself
        # New rows continue after the restored ids.
        assert create_incident(target, title="After restore").id > max(
            r[0] for r in before["incidents"]
        )
        with pytest.raises(UserError, match="not empty"):
            restore(target, io.StringIO(out.getvalue()))
    finally:
        engine.dispose()


def test_a_truncated_archive_restores_nothing(
    uow: UnitOfWork, new_database: Callable[[str], str], backend: str
) -> None:
    _fill(uow)
    out = io.StringIO()
    backup(uow, out)
    lines = out.getvalue().splitlines(keepends=True)
    engine = open_store(new_database(backend))
    try:
        target = UnitOfWork(engine)
        with pytest.raises(InputError, match="truncated"):
            restore(target, lines[: len(lines) // 2])
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT COUNT(*) FROM events")).scalar() == 0
        with pytest.raises(InputError, match="not a Hindsight backup"):
            restore(target, ['{"hello": 1}\n'])
    finally:
        engine.dispose()


# --- restore trusts nothing in the archive ------------------------------------------------------

Lines = list[str]


def _edit(
    lines: Lines, table: str, change: Callable[[dict[str, Any]], object]
) -> tuple[Lines, int]:
    """The archive with the first row of `table` changed in place; that row's line number."""
    out = list(lines)
    for index, line in enumerate(out):
        item = json.loads(line)
        if item.get("table") == table:
            change(item["row"])
            out[index] = json.dumps(item) + "\n"
            return out, index + 1
    raise AssertionError(f"no {table} row in the archive")


def _set(**values: object) -> Callable[[dict[str, Any]], None]:
    return lambda row: row.update(values)


def _duplicate(lines: Lines, table: str) -> tuple[Lines, int]:
    first = next(i for i, line in enumerate(lines) if json.loads(line).get("table") == table)
    return [*lines[: first + 1], lines[first], *lines[first + 1 :]], first + 2


def _altered_body(row: dict[str, Any]) -> None:
    row["body"] = base64.b64encode(base64.b64decode(row["body"]) + b" ").decode()


REFUSALS: dict[str, tuple[Callable[[Lines], tuple[Lines, int]], str]] = {
    "dangling reference": (
        lambda lines: _edit(lines, "events", _set(incident_id=424242)),
        "dangling reference",
    ),
    "duplicate id": (lambda lines: _duplicate(lines, "incidents"), "duplicate"),
    "wrong type": (lambda lines: _edit(lines, "incidents", _set(title=123)), "incidents.title"),
    "bad time": (
        lambda lines: _edit(lines, "events", _set(at="yesterday at noon")),
        "events.at: 'yesterday at noon' is not an RFC 3339 time",
    ),
    "naive time": (
        lambda lines: _edit(lines, "events", _set(at="2026-03-14T14:50:00")),
        "no UTC offset",
    ),
    "NUL in text": (
        lambda lines: _edit(lines, "events", _set(text="a\x00b")),
        "events.text: text holds a NUL",
    ),
    "lone surrogate": (
        lambda lines: _edit(lines, "incidents", _set(title="bad \udc80 title")),
        "not UTF-8",
    ),
    "out-of-range id": (
        lambda lines: _edit(lines, "incidents", _set(id=2**40)),
        "incidents.id: 1099511627776 is out of range",
    ),
    "too long for its column": (
        lambda lines: _edit(lines, "incidents", _set(severity="S" * 17)),
        "incidents.severity",
    ),
    "bad base64": (
        lambda lines: _edit(lines, "payloads", _set(body="*not base64*")),
        "payloads.body: not valid base64",
    ),
    "altered payload": (
        lambda lines: _edit(lines, "payloads", _altered_body),
        "payloads.body: the body does not match its digest",
    ),
    "unknown column": (
        lambda lines: _edit(lines, "events", _set(colour="red")),
        "events.colour: no such column",
    ),
    "missing column": (
        lambda lines: _edit(lines, "events", lambda row: row.pop("kind")),
        "events.kind: the column is missing",
    ),
    "null where required": (
        lambda lines: _edit(lines, "events", _set(source=None)),
        "events.source: may not be null",
    ),
    "unknown table": (
        lambda lines: ([*lines[:1], '{"table": "secrets", "row": {}}\n', *lines[1:]], 2),
        "no table 'secrets'",
    ),
    "deep nesting": (
        lambda lines: ([*lines[:1], "[" * 100_000 + "]" * 100_000 + "\n", *lines[1:]], 2),
        "invalid JSON",
    ),
    "huge integer": (
        lambda lines: ([*lines[:1], '{"table": "incidents", "row": ' + "9" * 5000 + "}\n"], 2),
        "invalid JSON",
    ),
}


def test_each_altered_archive_is_refused_naming_line_and_field_and_restores_nothing(
    uow: UnitOfWork, new_database: Callable[[str], str], backend: str
) -> None:
    _fill(uow)
    out = io.StringIO()
    backup(uow, out)
    lines = out.getvalue().splitlines(keepends=True)
    engine = open_store(new_database(backend))
    refused: list[str] = []
    try:
        target = UnitOfWork(engine)
        for case, (alter, words) in REFUSALS.items():
            altered, number = alter(lines)
            with pytest.raises(InputError) as caught:
                restore(target, altered, name="a.jsonl")
            message = caught.value.message
            assert f"a.jsonl:{number}" in message and words in message, (case, message)
            refused.append(case)
            with engine.connect() as connection:
                left = {
                    table: connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar()
                    for table in ("incidents", "payloads", "events", "audit_log")
                }
            assert set(left.values()) == {0}, (case, left)  # nothing half-restored
        # Binary bytes in the file itself, read as the CLI reads it: in a value, and between.
        encoded = [line.encode() for line in lines]
        number = next(i for i, line in enumerate(lines) if "Checkout errors" in line) + 1
        for bad, words in (
            (b"Checkout \xff\xfe", "incidents.title: text holds bytes that are not UTF-8"),
            (b"\xff", "invalid JSON"),
        ):
            binary = list(encoded)
            binary[number - 1] = binary[number - 1].replace(b"Checkout ", bad, 1)
            if bad == b"\xff":
                binary[number - 1] = b"\xff" + binary[number - 1]
            handle = io.TextIOWrapper(
                io.BytesIO(b"".join(binary)), encoding="utf-8", errors="surrogateescape"
            )
            with pytest.raises(InputError) as caught:
                restore(target, handle, name="a.jsonl")
            assert f"a.jsonl:{number}" in caught.value.message and words in caught.value.message
        assert restore(target, lines) == json.loads(lines[-1])["counts"]  # the original is fine
    finally:
        engine.dispose()
    print(f"\n{backend}: {len(refused)} altered archives refused: {', '.join(refused)}")
