"""The ordered map over worker processes: order kept, read-ahead bounded, errors raised in
turn, nothing started for one item, and no worker outlives a caller killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hindsight.runtime.process_map import default_workers, ordered_map


def square(n: int) -> int:
    if n == 13:
        raise ValueError("thirteen")
    return n * n


def pid_of(_: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def test_results_come_in_the_order_of_the_items() -> None:
    items = list(range(40))
    assert list(ordered_map(square, [i for i in items if i != 13], workers=2)) == [
        i * i for i in items if i != 13
    ]


def test_the_work_moves_to_the_workers_once_they_have_started() -> None:
    pids = list(ordered_map(pid_of, range(100), workers=2))
    here = [pid == os.getpid() for pid in pids]
    # The first items while the workers start, then all of it in the workers.
    assert here[0] and not here[-1]
    assert here == sorted(here, reverse=True)
    assert len(set(pids) - {os.getpid()}) >= 1


def test_one_item_or_no_workers_runs_here() -> None:
    assert list(ordered_map(pid_of, [0], workers=2)) == [os.getpid()]
    assert set(ordered_map(pid_of, range(6), workers=0)) == {os.getpid()}
    assert list(ordered_map(pid_of, [], workers=2)) == []


def test_read_ahead_is_bounded() -> None:
    pulled = 0

    def items() -> Iterator[int]:
        nonlocal pulled
        for i in range(100):
            pulled += 1
            yield i

    seen = 0
    for _ in ordered_map(square, (i for i in items() if i != 13), workers=2, ahead=2):
        seen += 1
        time.sleep(0.002)  # a slow consumer: the workers must not run away with the input
        assert pulled - seen <= 2 * 2 + 1
    assert seen == 99


def test_an_error_is_raised_in_its_turn_after_the_results_before_it() -> None:
    got: list[int] = []
    with pytest.raises(ValueError, match="thirteen"):
        for value in ordered_map(square, range(40), workers=2):
            got.append(value)
    assert got == [i * i for i in range(13)]


def test_default_workers_leave_a_cpu_to_the_caller() -> None:
    assert 0 <= default_workers() <= 4
    assert default_workers(limit=1) <= 1


def test_no_worker_outlives_a_caller_killed_with_sigkill(tmp_path: Path) -> None:
    script = tmp_path / "caller.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, time
            from hindsight.runtime.process_map import ordered_map

            def slow(n):
                time.sleep(0.2)
                return os.getpid()

            if __name__ == "__main__":
                for pid in ordered_map(slow, range(1000), workers=1):
                    print(pid, flush=True)
            """
        )
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    caller = subprocess.Popen(
        [sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert caller.stdout is not None
    worker = caller.pid  # the first items are mapped by the caller while the worker starts
    while worker == caller.pid:
        worker = int(caller.stdout.readline())
    caller.send_signal(signal.SIGKILL)
    # The worker held the caller's stdout and stderr: they close when it is gone.
    caller.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker)


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state
