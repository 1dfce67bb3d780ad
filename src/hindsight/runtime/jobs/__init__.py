"""The runners of the background jobs defined in `services.jobs`:

- `inline.InlineRunner`: inside the server process, a thread with the jobs' schedule, the
  retries and their backoff (HINDSIGHT_JOBS=inline, the default; the only runner on SQLite);
- `queue`: procrastinate on PostgreSQL (HINDSIGHT_JOBS=worker): `run_worker` is
  `hindsight worker`; the server's `QueueDeferrer` only defers jobs and reads the queue.

`runner_for(settings, …)` picks the server's; both answer what the jobs are doing (`counts`,
`recent`) for /metrics and GET /api/v1/jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from hindsight.core.errors import ConfigError
from hindsight.services import UnitOfWork
from hindsight.services.jobs import QueuedJob
from hindsight.settings import Settings


class JobRunner(Protocol):
    mode: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def poke(self, name: str) -> None:
        """Run job `name` soon (once, however often poked before it runs)."""

    def counts(self) -> dict[tuple[str, str], int]:
        """Jobs by (task, state)."""

    def recent(self, limit: int = 50) -> list[QueuedJob]: ...


def check_mode(settings: Settings) -> None:
    if settings.jobs == "worker" and not settings.database_url.startswith("postgres"):
        raise ConfigError(
            "HINDSIGHT_JOBS=worker needs PostgreSQL: the job queue lives in it",
            where="HINDSIGHT_JOBS",
            fix="use HINDSIGHT_JOBS=inline (jobs run in the server) or a PostgreSQL store",
        )


def runner_for(
    settings: Settings, uow: Callable[[], UnitOfWork], read_uow: Callable[[], UnitOfWork]
) -> JobRunner:
    check_mode(settings)
    if settings.jobs == "worker":
        from hindsight.runtime.jobs.queue import QueueDeferrer

        return QueueDeferrer(settings, read_uow)
    from hindsight.runtime.jobs.inline import InlineRunner

    return InlineRunner(settings, uow, read_uow)
