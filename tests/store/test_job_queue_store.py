"""The job queue's state as the store reads it from procrastinate's tables (PostgreSQL), and
none on SQLite, where the jobs run in the server; the queue's libpq URI."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from hindsight.store.job_queue import queue_conninfo
from hindsight.store.unit_of_work import UnitOfWork


def test_the_queue_is_read_by_task_and_state(uow: UnitOfWork, connection: sa.Connection) -> None:
    if connection.dialect.name == "sqlite":
        with uow:
            assert uow.jobs.counts() == {} and uow.jobs.recent() == []
        return
    for task, status in [("outbox.send", "succeeded")] * 2 + [("trackers.sync", "failed")]:
        connection.exec_driver_sql(
            "INSERT INTO procrastinate_jobs (queue_name, task_name, args, status, attempts) "
            "VALUES ('default', %(task)s, '{}', %(status)s, 1)",
            {"task": task, "status": status},
        )
    with uow:
        assert uow.jobs.counts() == {
            ("outbox.send", "succeeded"): 2,
            ("trackers.sync", "failed"): 1,
        }
        recent = uow.jobs.recent(2)
    assert [(j.task, j.state, j.attempts) for j in recent] == [
        ("trackers.sync", "failed", 1),
        ("outbox.send", "succeeded", 1),
    ]


@pytest.mark.parametrize(
    ("url", "conninfo"),
    [
        ("postgresql+psycopg://u:pw@h:5433/db", "postgresql://u:pw@h:5433/db"),
        (
            "postgresql+psycopg://u@h/db?options=-csearch_path%3Dhs",
            "postgresql://u@h/db?options=-csearch_path%3Dhs",
        ),
    ],
)
def test_the_queue_connects_by_the_stores_url(url: str, conninfo: str) -> None:
    assert queue_conninfo(url) == conninfo


def test_the_queue_needs_postgresql() -> None:
    with pytest.raises(ValueError, match="PostgreSQL"):
        queue_conninfo("sqlite:///h.db")
