"""Store ingest: a JSON Lines export into SQLite and PostgreSQL — events/s, peak memory, and
the ratio to a raw DBAPI `executemany` of the same rows into the same database, in the same run.

The ingest path is the real one (`ingest_lines`: parse with the generic source, map, insert
with ON CONFLICT DO NOTHING … RETURNING, one transaction per batch, milestones at the end).
The baseline gets the rows already built and only times `executemany` + commit per batch.
Targets: at least 50% of the raw rate; peak memory growth at the full size within 1.5× of
that at a quarter of the size (flat, since a batch bounds what is held).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from hindsight.services.ingest import ingest_lines
from hindsight.sources import get_source
from hindsight.store import mapping
from hindsight.store.engine import open_store
from hindsight.store.unit_of_work import UnitOfWork

POSTGRES_URL = os.environ.get(
    "HINDSIGHT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MIN_RATIO = 0.5
MAX_MEMORY_GROWTH = 1.5
BATCH = 5000
KINDS = ("alert-firing", "alert-resolved", "note", "deploy", "chat-message")


def write_export(path: Path, n: int) -> None:
    start = dt.datetime(2026, 3, 14, 14, 0, tzinfo=dt.UTC)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            at = (start + dt.timedelta(milliseconds=7 * i)).isoformat().replace("+00:00", "Z")
            kind = "alert-firing" if i == 0 else KINDS[i % len(KINDS)]
            record = {
                "time": at,
                "kind": kind,
                "service": f"svc-{i % 20}" if i else "svc-0",
                "text": f"event {i}: HighErrorRate on svc-{i % 20}",
                "actor": "Alertmanager",
                "is_bot": "true",
                "id": f"e{i}",
            }
            out.write(json.dumps(record) + "\n")


class PeakRss:
    """Peak resident memory while the block runs, sampled from /proc every 20 ms."""

    def __init__(self) -> None:
        self.base = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss())

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 1_048_576


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Database:
    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.schema: str | None = None
        if backend == "sqlite":
            self.url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.db'}"
        else:
            self.schema = f"hs_bench_{uuid.uuid4().hex[:10]}"
            _admin(f"CREATE SCHEMA {self.schema}")
            self.url = f"{POSTGRES_URL}?options=-csearch_path%3D{self.schema}"

    def drop(self) -> None:
        if self.schema:
            _admin(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE")


def _admin(statement: str) -> None:
    engine = sa.create_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        yield from handle


def run_ingest(db: Database, export: Path) -> tuple[float, float, int]:
    """(seconds, peak memory growth MB, events stored) for the real ingest."""
    engine = open_store(db.url)
    try:
        with PeakRss() as memory:
            started = time.perf_counter()
            result = ingest_lines(
                UnitOfWork(engine), "generic", _lines(export), name=export.name, batch_lines=BATCH
            )
            seconds = time.perf_counter() - started
        return seconds, memory.growth_mb, result.added
    finally:
        engine.dispose()


def run_raw(db: Database, export: Path) -> tuple[float, int]:
    """Seconds spent in DBAPI executemany + commit for the same rows under a second incident:
    every column as the ingest stores it, the payload pointer included (a payload row per
    batch, like the ingest's, written before the clock starts)."""
    engine = open_store(db.url)
    source = get_source("generic")
    try:
        with engine.begin() as connection:
            incident_id = connection.execute(
                sa.text(
                    "INSERT INTO incidents (slug, title, status, services, customer_visible,"
                    " created_at, updated_at) VALUES ('raw', 'raw', 'open', '[]', false,"
                    " :now, :now) RETURNING id"
                ),
                {"now": _when(db.backend, dt.datetime.now(dt.UTC))},
            ).scalar_one()
        columns = list(mapping.event_row(_any_event(export), 0, None))
        marker = "?" if db.backend == "sqlite" else "%s"
        sql = (
            f"INSERT INTO events ({', '.join(columns)}) "
            f"VALUES ({', '.join(marker for _ in columns)})"
        )
        raw = engine.raw_connection()
        batch = Batch(raw, sql, source, export.name, incident_id, columns, db.backend)
        try:
            lines: list[bytes] = []
            for line in _lines(export):
                lines.append(line)
                if len(lines) == BATCH:
                    batch.insert(lines)
                    lines = []
            if lines:
                batch.insert(lines)
        finally:
            raw.close()
        return batch.spent, batch.count
    finally:
        engine.dispose()


class Batch:
    """The raw insert of one batch of lines: rows built untimed, `executemany` + commit timed."""

    def __init__(
        self,
        raw: Any,
        sql: str,
        source: Any,
        name: str,
        incident_id: int,
        columns: list[str],
        backend: str,
    ) -> None:
        self.raw, self.sql, self.source, self.name = raw, sql, source, name
        self.incident_id, self.columns, self.backend = incident_id, columns, backend
        self.marker = "?" if backend == "sqlite" else "%s"
        self.spent = 0.0
        self.count = 0

    def insert(self, lines: list[bytes]) -> None:
        body = b"".join(lines)
        cursor = self.raw.cursor()
        cursor.execute(
            "INSERT INTO payloads (digest, source, name, body, incident_id, received_at) "
            f"VALUES ({', '.join(self.marker for _ in range(6))}) RETURNING id",
            (
                uuid.uuid4().hex,
                "generic",
                "raw",
                body,
                self.incident_id,
                _when(self.backend, dt.datetime.now(dt.UTC)),
            ),
        )
        payload_id = cursor.fetchone()[0]
        self.raw.commit()
        rows = []
        for event in self.source.parse(self.name, body):
            row = mapping.event_row(event, self.incident_id, payload_id)
            row["services"] = json.dumps(row["services"])
            row["refs"] = json.dumps(row["refs"])
            row["at"] = _when(self.backend, row["at"])
            row["raw"] = _shifted(row["raw"], self.name, self.count)
            rows.append(tuple(row[c] for c in self.columns))
        started = time.perf_counter()
        if self.backend == "sqlite":
            # The engine's connections leave transactions to SQLAlchemy (the sqlite3 module's
            # autocommit): a raw executemany would commit, and sync, every row. One transaction
            # per batch, as the ingest has.
            cursor.execute("BEGIN")
        cursor.executemany(self.sql, rows)
        cursor.close()
        self.raw.commit()
        self.spent += time.perf_counter() - started
        self.count += len(rows)


def _shifted(pointer: str, name: str, offset: int) -> str:
    """`name#L12` of a batch as the pointer into the whole file, as the ingest stores it."""
    prefix = f"{name}#L"
    return f"{prefix}{int(pointer.removeprefix(prefix)) + offset}"


def _when(backend: str, at: dt.datetime) -> Any:
    """SQLite: the naive UTC text SQLAlchemy stores (always with microseconds)."""
    if backend == "sqlite":
        return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S.%f}"
    return at


def _any_event(export: Path) -> Any:
    with export.open("rb") as handle:
        first = handle.readline()
    return get_source("generic").parse("x.jsonl", first)[0]


def main(quick: bool) -> bool:
    n = 20_000 if quick else 1_000_000
    ok = True
    with tempfile.TemporaryDirectory(prefix="hindsight-bench-") as folder:
        root = Path(folder)
        small, full = root / "small.jsonl", root / "full.jsonl"
        write_export(small, n // 4)
        write_export(full, n)
        size_mb = full.stat().st_size / 1_048_576
        print(f"  {n:,} events, {size_mb:.0f} MB of JSON Lines, batches of {BATCH:,}")
        for backend in ("sqlite", "postgresql"):
            dbs = [Database(backend, root) for _ in range(2)]
            try:
                _, small_mb, _ = run_ingest(dbs[0], small)
                seconds, full_mb, stored = run_ingest(dbs[1], full)
                raw_seconds, raw_count = run_raw(dbs[1], full)
            finally:
                for db in dbs:
                    db.drop()
            rate, raw_rate = stored / seconds, raw_count / raw_seconds
            ratio = rate / raw_rate
            flat = full_mb <= max(small_mb * MAX_MEMORY_GROWTH, small_mb + 32)
            passed = stored == n and ratio >= MIN_RATIO and flat
            ok = ok and passed
            print(
                f"  {backend:10s} ingest {rate:>9,.0f} ev/s"
                f"   raw executemany {raw_rate:>9,.0f} ev/s"
                f"   ratio {ratio:.2f} (target ≥ {MIN_RATIO})"
                f"   peak memory +{small_mb:.0f} MB at {n // 4:,}, +{full_mb:.0f} MB at {n:,}"
                f"   {'ok' if passed else 'MISSED'}"
            )
    return ok
