"""An ordered map over worker processes with a bounded look-ahead.

`ordered_map(fn, items, workers=N)` yields `fn(item)` for each item, in the order of `items`,
computed by N worker processes while the caller consumes the results: the caller's work (the
database writes of a bulk import) overlaps the workers' (parsing the next batches). At most
`ahead` items per worker are read ahead, so memory stays bounded however long the input is
(`multiprocessing.Pool.imap` reads its whole input first). `fn` and the items must pickle.

An input of one item, or `workers=0`, is mapped in this process: no worker is started for
work that cannot overlap with anything; and while the workers start (a new interpreter takes
a second or so) the first items are mapped here too, instead of waiting. An exception raised
by `fn` is raised here, when its item's turn comes — after every earlier result has been
yielded — and the rest is cancelled.
"""

from __future__ import annotations

import itertools
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(limit: int = 4) -> int:
    """One worker per CPU beside the caller's own, at most `limit`; 0 on a single CPU."""
    return max(0, min(limit, usable_cpus() - 1))


def ordered_map(
    fn: Callable[[T], R], items: Iterable[T], *, workers: int, ahead: int = 2
) -> Iterator[R]:
    source = iter(items)
    head = [item for item in (next(source, _END), next(source, _END)) if item is not _END]
    if workers <= 0 or len(head) < 2:
        yield from map(fn, itertools.chain(head, source))  # type: ignore[arg-type]
        return
    try:
        # spawn: a clean interpreter, whatever threads or connections this process holds.
        context = multiprocessing.get_context("spawn")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker)
    except (OSError, NotImplementedError):  # no processes to be had here: do it all here
        yield from map(fn, itertools.chain(head, source))  # type: ignore[arg-type]
        return
    with pool:
        ready = pool.submit(_ready)  # starts the workers
        pending: deque[Future[R]] = deque()
        try:
            for item in itertools.chain(head, source):
                if not pending and not ready.done():
                    # A new interpreter takes a second or so to start: work meanwhile.
                    yield fn(item)  # type: ignore[arg-type]
                    continue
                while len(pending) >= workers * ahead:  # make room first: memory stays bounded
                    yield pending.popleft().result()
                pending.append(pool.submit(fn, item))  # type: ignore[arg-type]
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def _ready() -> bool:
    return True


class _End:
    pass


_END = _End()


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group: the caller handles it and stops the pool, so a
    # worker must not die printing a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A caller killed outright (SIGKILL, OOM) cannot stop its pool: a worker waiting for work
    # would wait for ever, holding the caller's stdout and stderr open. The parent's sentinel
    # becomes ready when the parent is gone.
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
