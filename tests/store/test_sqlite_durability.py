"""SQLite commits are durable against power loss, not only process crashes."""

from __future__ import annotations

from pathlib import Path

from hindsight.store.engine import create_engine


def test_file_databases_run_wal_with_full_sync(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'h.db'}")
    try:
        with engine.connect() as connection:
            mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            sync = connection.exec_driver_sql("PRAGMA synchronous").scalar()
            keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    finally:
        engine.dispose()
    assert (mode, sync, keys) == ("wal", 2, 1)  # synchronous 2 = FULL
