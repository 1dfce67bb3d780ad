"""Store ingest: a JSON Lines export into SQLite and PostgreSQL — events/s, peak memory, and
the ratio to a raw DBAPI `executemany` of the same rows into the same backend, in the same run.

The ingest path is the real one (`ingest_lines`, what `hindsight ingest FILE.jsonl` runs: read
in blocks, parse in a worker process, insert with ON CONFLICT DO NOTHING, the payload kept,
one transaction per batch, milestones at the end) with its default number of parse workers
(one on this 2-CPU machine). The baseline gets the very same rows already built and only
times `executemany` + commit per batch, into a fresh database of its own, as the ingest's is.
For the record, the ingest also runs in a single process (`workers=0`), and the CPU time of
each run is shown.
Targets: at least 50% of the raw rate; peak memory (this process and its workers) growing at
the full size by at most 1.5× the growth at a quarter of the size (flat: a few batches bound
what is held).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import resource
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from hindsight.runtime.bulk_ingest import ingest_lines, read_blocks
from hindsight.runtime.process_map import default_workers, usable_cpus
from hindsight.sources import get_source
from hindsight.store.engine import open_store
from hindsight.store.event_values import COLUMNS, stored_values
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
    """Resident memory of this process and its children (the parse workers)."""
    pids = ["self"]
    for task in Path("/proc/self/task").iterdir():
        with contextlib.suppress(OSError):
            pids += (task / "children").read_text().split()
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/statm") as handle:
            total += int(handle.read().split()[1])
    return total * os.sysconf("SC_PAGE_SIZE")


def _cpu_seconds() -> float:
    """User + system CPU of this process and of its children that have ended."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


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


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    memory_mb: float
    stored: int


def run_ingest(db: Database, export: Path, workers: int | None = None) -> Run:
    """The real ingest, as `hindsight ingest generic FILE.jsonl` runs it."""
    engine = open_store(db.url)
    try:
        with PeakRss() as memory, export.open("rb") as handle:
            cpu, started = _cpu_seconds(), time.perf_counter()
            result = ingest_lines(
                UnitOfWork(engine),
                "generic",
                read_blocks(handle),
                name=export.name,
                batch_lines=BATCH,
                workers=workers,
            )
            seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
        return Run(seconds, cpu, memory.growth_mb, result.added)
    finally:
        engine.dispose()


def run_raw(db: Database, export: Path) -> tuple[float, int]:
    """Seconds spent in DBAPI executemany + commit for the same rows, into an empty database
    set up as the ingest's was: every column as the ingest stores it, the payload pointer
    included (a payload row per batch, like the ingest's, written before the clock starts)."""
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
        marker = "?" if db.backend == "sqlite" else "%s"
        columns = ("incident_id", "payload_id", *COLUMNS)
        sql = (
            f"INSERT INTO events ({', '.join(columns)}) "
            f"VALUES ({', '.join(marker for _ in columns)})"
        )
        raw = engine.raw_connection()
        batch = Batch(raw, sql, source, export.name, incident_id, db.backend)
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
        self, raw: Any, sql: str, source: Any, name: str, incident_id: int, backend: str
    ) -> None:
        self.raw, self.sql, self.source, self.name = raw, sql, source, name
        self.incident_id, self.backend = incident_id, backend
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
        # The very tuples the ingest stores (same pointers, same stored forms), with the ids.
        found = self.source.parse(self.name, body, first_line=self.count + 1)
        ids = (self.incident_id, payload_id)
        rows = [ids + values for values in stored_values(found, self.backend)]
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


def _when(backend: str, at: dt.datetime) -> Any:
    """SQLite: the naive UTC text SQLAlchemy stores (always with microseconds)."""
    if backend == "sqlite":
        return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S.%f}"
    return at


def main(quick: bool) -> bool:
    n = 100_000 if quick else 1_000_000
    ok = True
    with tempfile.TemporaryDirectory(prefix="hindsight-bench-") as folder:
        root = Path(folder)
        small, full = root / "small.jsonl", root / "full.jsonl"
        write_export(small, n // 4)
        write_export(full, n)
        size_mb = full.stat().st_size / 1_048_576
        workers = default_workers()
        print(
            f"  {n:,} events, {size_mb:.0f} MB of JSON Lines, batches of {BATCH:,},"
            f" {workers} parse worker(s) on {usable_cpus()} CPU(s)"
        )
        for backend in ("sqlite", "postgresql"):
            # A fresh database each: an insert into tables already holding a million rows is
            # slower (bigger indexes, colder pages), so neither run may inherit the other's.
            dbs = [Database(backend, root) for _ in range(4)]
            try:
                quarter = run_ingest(dbs[0], small)
                whole = run_ingest(dbs[1], full)
                raw_seconds, raw_count = run_raw(dbs[2], full)
                alone = run_ingest(dbs[3], full, workers=0)
            finally:
                for db in dbs:
                    db.drop()
            raw_rate = raw_count / raw_seconds
            rate, alone_rate = whole.stored / whole.seconds, alone.stored / alone.seconds
            ratio = rate / raw_rate
            flat = whole.memory_mb <= max(
                quarter.memory_mb * MAX_MEMORY_GROWTH, quarter.memory_mb + 32
            )
            passed = whole.stored == alone.stored == n and ratio >= MIN_RATIO and flat
            ok = ok and passed
            print(
                f"  {backend:10s} ingest {rate:>9,.0f} ev/s ({whole.cpu_seconds:.1f} CPU s)"
                f"   raw executemany {raw_rate:>9,.0f} ev/s"
                f"   ratio {ratio:.2f} (target ≥ {MIN_RATIO})"
                f"   peak memory +{quarter.memory_mb:.0f} MB at {n // 4:,},"
                f" +{whole.memory_mb:.0f} MB at {n:,}"
                f"   {'ok' if passed else 'MISSED'}"
            )
            print(
                f"  {'':10s} in one process {alone_rate:>9,.0f} ev/s"
                f" ({alone.cpu_seconds:.1f} CPU s): ratio {alone_rate / raw_rate:.2f}"
                f", peak memory +{alone.memory_mb:.0f} MB"
            )
    return ok
