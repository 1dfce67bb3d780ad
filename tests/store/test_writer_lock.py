"""SQLite writers of one process queue in order on the engine's `WriterLock` instead of polling
SQLite's busy handler; snapshot reads (`read_only`) take no lock at all."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from hindsight.store.engine import WriterLock, create_engine, writer_lock
from hindsight.store.migrate import upgrade
from hindsight.store.unit_of_work import UnitOfWork


def test_waiters_get_the_lock_first_come_first_served() -> None:
    lock = WriterLock()
    assert lock.acquire()
    order: list[int] = []
    started: list[threading.Event] = []

    def wait(n: int, ready: threading.Event) -> None:
        ready.set()
        assert lock.acquire()
        order.append(n)
        lock.release()

    threads = []
    for n in range(6):
        ready = threading.Event()
        started.append(ready)
        thread = threading.Thread(target=wait, args=(n, ready))
        thread.start()
        ready.wait()
        time.sleep(0.02)  # queued before the next one starts
        threads.append(thread)
    lock.release()
    for thread in threads:
        thread.join()
    assert order == list(range(6))


def test_the_lock_is_reentrant_in_its_thread_and_times_out_elsewhere() -> None:
    lock = WriterLock()
    assert lock.acquire() and lock.acquire()
    lock.release()
    got: list[bool] = []
    thread = threading.Thread(target=lambda: got.append(lock.acquire(timeout=0.05)))
    thread.start()
    thread.join()
    assert got == [False]  # still held once
    lock.release()
    thread = threading.Thread(target=lambda: got.append(lock.acquire(timeout=0.05)))
    thread.start()
    thread.join()
    assert got == [False, True]
    with pytest.raises(RuntimeError):
        lock.release()  # held by the other thread now


def test_sqlite_units_of_work_queue_and_snapshot_reads_do_not_wait(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    try:
        upgrade(engine)
        lock = writer_lock(engine)
        assert lock is not None
        entered = threading.Event()
        release = threading.Event()
        later: list[str] = []

        def writer() -> None:
            with UnitOfWork(engine) as uow:
                uow.events.count()
                entered.set()
                release.wait(5)
                later.append("first done")

        def second() -> None:
            with UnitOfWork(engine) as uow:
                later.append("second in")
                uow.events.count()

        first = threading.Thread(target=writer)
        first.start()
        entered.wait(5)
        other = threading.Thread(target=second)
        other.start()
        started = time.perf_counter()
        with UnitOfWork(engine, read_only=True) as uow:  # neither lock is waited for
            assert uow.events.count() == 0
        assert time.perf_counter() - started < 1
        time.sleep(0.05)
        assert later == []  # the second writer waits its turn
        release.set()
        first.join()
        other.join()
        assert later == ["first done", "second in"]
        assert lock.acquire(timeout=0)  # released by both
        lock.release()
    finally:
        engine.dispose()


def test_postgresql_engines_have_no_writer_lock() -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert writer_lock(engine) is None
    engine.dispose()
