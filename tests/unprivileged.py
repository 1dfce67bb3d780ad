"""Running a piece of a test as an ordinary user, so file permissions apply even when the
suite runs as root (root may write anywhere, which would hide the errors under test).

As root the callable runs in a forked child that has dropped to `nobody` (the modules it needs
are imported before the fork: the child may not read root's Python installation); otherwise it
runs in this process. Its result comes back pickled."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
NOBODY = 65534


def as_unprivileged(work: Callable[[], T]) -> T:
    if os.geteuid() != 0:
        return work()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read)
        status = 0
        try:
            os.setgroups([])
            os.setresgid(NOBODY, NOBODY, NOBODY)
            os.setresuid(NOBODY, NOBODY, NOBODY)
            data = pickle.dumps(("ok", work()))
        except BaseException as error:  # carried to the parent
            data = pickle.dumps(("error", repr(error)))
            status = 1
        with os.fdopen(write, "wb") as out:
            out.write(data)
        os._exit(status)
    os.close(write)
    with os.fdopen(read, "rb") as incoming:
        data = incoming.read()
    os.waitpid(child, 0)
    kind, value = pickle.loads(data)
    if kind == "error":
        raise AssertionError(f"the unprivileged part failed: {value}")
    return value  # type: ignore[no-any-return]


def shared_folder(path: str) -> None:
    """Let `nobody` reach `path` (pytest's tmp folders are root's own, mode 0700)."""
    os.chmod(path, 0o755)
