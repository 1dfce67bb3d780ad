"""`UnitOfWork.lock`: on PostgreSQL a transaction holding a name makes every other transaction
that locks it wait until the first ends (any process: these are two connections); SQLite
needs no lock (one writer at a time) and takes none."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from hindsight.store.unit_of_work import UnitOfWork, advisory_key, is_transient


def test_a_locked_name_waits_for_the_holder_to_commit(engine: sa.Engine) -> None:
    holder = UnitOfWork(engine)
    if engine.dialect.name == "sqlite":
        with holder:
            assert holder.lock(["key:a"]) is False
        return
    waited: list[float] = []
    entered = threading.Event()

    def other() -> None:
        with UnitOfWork(engine) as second:
            started = time.monotonic()
            entered.set()
            second.lock(["key:b", "key:a"])  # overlaps the holder's set, in another order
            waited.append(time.monotonic() - started)

    with holder:
        assert holder.lock(["key:a", "key:c"]) is True
        assert holder.lock(["key:a"]) is True  # re-entrant
        thread = threading.Thread(target=other)
        thread.start()
        entered.wait(5)
        time.sleep(0.5)
        assert not waited, "the second transaction did not wait for the lock"
        holder.commit()
    thread.join(10)
    assert waited and waited[0] >= 0.4


def test_unrelated_names_do_not_wait(engine: sa.Engine) -> None:
    if engine.dialect.name == "sqlite":
        return
    with UnitOfWork(engine) as first:
        first.lock(["key:x"])
        with UnitOfWork(engine) as second:
            started = time.monotonic()
            second.lock(["key:y"])
            assert time.monotonic() - started < 1


def test_keys_are_stable_signed_64_bit_numbers() -> None:
    key = advisory_key("payload:abc")
    assert key == advisory_key("payload:abc") != advisory_key("payload:abd")
    assert -(2**63) <= key < 2**63


class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_deadlock_and_serialization_victims_are_transient_and_nothing_else_is() -> None:
    assert is_transient(sa.exc.OperationalError("x", {}, _Orig("40P01")))
    assert is_transient(sa.exc.OperationalError("x", {}, _Orig("40001")))
    assert not is_transient(sa.exc.IntegrityError("x", {}, _Orig("23505")))
    assert not is_transient(RuntimeError("40P01"))
