"""`hindsight worker` runs PostgreSQL's job queue (tests/runtime/test_job_queue.py drives real
ones); on SQLite there is no queue, and it says so (exit 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hindsight.cli.app import app
from tests.cli.followups import runner


def test_the_worker_refuses_a_sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINDSIGHT_DATABASE_URL", f"sqlite:///{tmp_path / 'h.db'}")
    result = runner.invoke(app, ["worker"])
    assert result.exit_code == 2, result.output
    assert "needs PostgreSQL" in result.stderr and "HINDSIGHT_JOBS=inline" in result.stderr
