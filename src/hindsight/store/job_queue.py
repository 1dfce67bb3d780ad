"""What the job queue holds, read from its own tables on PostgreSQL (procrastinate's
`procrastinate_jobs`, created by migration 0011): jobs by task and state, and the latest jobs.
On SQLite there is no queue table (the server runs the jobs in process), so both are empty.

Also the queue's connection string: procrastinate connects with psycopg itself, from a libpq
URI, while the store's URL names SQLAlchemy's driver."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

_COUNTS = text(
    "SELECT task_name, status::text AS status, count(*) AS n FROM procrastinate_jobs "
    "GROUP BY task_name, status ORDER BY task_name, status"
)
_RECENT = text(
    "SELECT j.id, j.task_name, j.status::text AS status, j.attempts, j.scheduled_at, "
    "(SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id) AS updated_at "
    "FROM procrastinate_jobs j ORDER BY j.id DESC LIMIT :limit"
)


@dataclass(frozen=True)
class QueuedJob:
    id: int
    task: str
    state: str  # procrastinate's: todo | doing | succeeded | failed | cancelled | aborted
    attempts: int
    scheduled_at: dt.datetime | None
    updated_at: dt.datetime | None


class JobQueueRepository:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    @property
    def kept(self) -> bool:
        return self.connection.dialect.name == "postgresql"

    def counts(self) -> dict[tuple[str, str], int]:
        """Jobs by (task, state)."""
        if not self.kept:
            return {}
        rows = self.connection.execute(_COUNTS)
        return {(r.task_name, r.status): int(r.n) for r in rows}

    def recent(self, limit: int = 50) -> list[QueuedJob]:
        if not self.kept:
            return []
        rows = self.connection.execute(_RECENT, {"limit": limit})
        return [
            QueuedJob(r.id, r.task_name, r.status, r.attempts, r.scheduled_at, r.updated_at)
            for r in rows
        ]


def queue_conninfo(database_url: str) -> str:
    """The libpq URI of a PostgreSQL store URL (`postgresql+psycopg://…` → `postgresql://…`),
    query options such as `options=-csearch_path=…` kept."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        raise ValueError("the job queue needs PostgreSQL")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
