"""Nothing lost: concurrent editors, backup and restore, across both backends."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

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
