"""The change lookback when an incident opens, at scale: 1,000,000 stored changes over 500
services (about a year of them), the changes to an incident's services from the 24 hours
before it opened, through the repository (`uow.changes.lookback`: a unit of work, the query,
the row mapping into `Change` values) against the bare indexed SQL of the same rows run on the
raw DBAPI cursor with nothing around it.

Goal (issue #14): ratio ≤ 2× and under 20 ms, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.bench_store import Database
from hindsight.store.changes import LOOKBACK
from hindsight.store.engine import open_store
from hindsight.store.tables import change_services
from hindsight.store.unit_of_work import UnitOfWork

MAX_RATIO = 2.0
MAX_MS = 20.0
SERVICES = 500
LOOKBACK_WINDOW = dt.timedelta(hours=24)
START = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=365)
COLUMNS = (
    "id, source, external_id, kind, summary, services, environment, production, at, author, "
    "link, labels, event, recorded_at"
)


def _rows(n: int) -> Iterator[tuple[object, ...]]:
    """Changes in stored form: one service each, a tenth of them two."""
    rng = random.Random(14)
    span = int(SPAN.total_seconds())
    for i in range(1, n + 1):
        at = START + dt.timedelta(seconds=rng.randrange(span))
        first = f"svc-{rng.randrange(SERVICES)}"
        services = [first] if rng.random() > 0.1 else [first, f"svc-{rng.randrange(SERVICES)}"]
        if len(services) == 2 and services[0] == services[1]:
            services.pop()
        env = "production" if rng.random() < 0.6 else "staging"
        yield (i, at, services, env)


def _sqlite_at(at: dt.datetime) -> str:
    return at.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def populate(engine: sa.Engine, n: int) -> None:
    """Bulk load through the raw driver (SQLite `executemany`, PostgreSQL `COPY`)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("BEGIN")  # the engine's connections are in autocommit mode
            changes, links = [], []
            for i, at, services, env in _rows(n):
                when = _sqlite_at(at)
                changes.append(
                    (
                        i,
                        "ci",
                        f"run-{i}",
                        "deploy",
                        f"Deploy #{i}",
                        json.dumps(services),
                        env,
                        int(env == "production"),
                        when,
                        "bench",
                        None,
                        "{}",
                        None,
                        when,
                    )
                )
                links.extend((s, when, i) for s in services)
                if len(changes) >= 50_000:
                    _sqlite_flush(cursor, changes, links)
            _sqlite_flush(cursor, changes, links)
        else:
            with cursor.copy(f"COPY changes ({COLUMNS}) FROM STDIN") as copy:
                for i, at, services, env in _rows(n):
                    copy.write_row(
                        (
                            i,
                            "ci",
                            f"run-{i}",
                            "deploy",
                            f"Deploy #{i}",
                            json.dumps(services),
                            env,
                            env == "production",
                            at,
                            "bench",
                            None,
                            "{}",
                            None,
                            at,
                        )
                    )
            with cursor.copy("COPY change_services (service, at, change_id) FROM STDIN") as copy:
                for i, at, services, _ in _rows(n):
                    for service in services:
                        copy.write_row((service, at, i))
            cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()


def _sqlite_flush(
    cursor: object, changes: list[tuple[object, ...]], links: list[tuple[object, ...]]
) -> None:
    marks = ", ".join("?" for _ in COLUMNS.split(", "))
    cursor.executemany(f"INSERT INTO changes ({COLUMNS}) VALUES ({marks})", changes)  # type: ignore[attr-defined]
    cursor.executemany("INSERT INTO change_services VALUES (?, ?, ?)", links)  # type: ignore[attr-defined]
    changes.clear()
    links.clear()


def _paired(runs: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median seconds of each of `runs`, run in turn `repeat` times after one warm-up: taking
    turns, a noisy neighbour on the machine slows them alike instead of whichever ran then."""
    times: list[list[float]] = [[] for _ in runs]
    for run in runs:
        run()
    for _ in range(repeat):
        for run, spent in zip(runs, times, strict=True):
            began = time.perf_counter()
            run()
            spent.append(time.perf_counter() - began)
    return [statistics.median(spent) for spent in times]


def bare(
    raw: Any, dialect: sa.Dialect, services: list[str], since: dt.datetime, until: dt.datetime
) -> Callable[[], list[Any]]:
    """The SQLAlchemy statement `LOOKBACK`, compiled and bound once, on an open DBAPI
    connection's cursor: what the database itself costs, with nothing around it."""
    compiled = LOOKBACK.compile(dialect=dialect)
    state = compiled.construct_expanded_state(
        {"services": services, "since": since, "until": until}
    )
    at = change_services.c.at.type.bind_processor(dialect)
    values = {
        k: (at(v) if at and isinstance(v, dt.datetime) else v) for k, v in state.parameters.items()
    }
    text = state.statement
    params: Any = tuple(values[n] for n in state.positiontup) if state.positiontup else values

    def run() -> list[Any]:
        cursor = raw.cursor()
        cursor.execute(text, params)
        rows: list[Any] = cursor.fetchall()
        cursor.close()
        return rows

    return run


def measure(backend: str, n: int, repeat: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(backend, Path(folder))
        engine = open_store(database.url)
        try:
            began = time.perf_counter()
            populate(engine, n)
            print(
                f"  {backend}: {n:,} changes over {SERVICES} services stored in "
                f"{time.perf_counter() - began:.1f} s"
            )
            ok = True
            rng = random.Random(7)
            raw = engine.raw_connection()
            uow = UnitOfWork(engine, read_only=True)
            try:
                uow.__enter__()
                for label, count in (("one service", 1), ("three services", 3)):
                    services = [f"svc-{rng.randrange(SERVICES)}" for _ in range(count)]
                    opened = START + dt.timedelta(days=rng.randrange(30, 330), hours=13)
                    since, until = opened - LOOKBACK_WINDOW, opened

                    def ours(
                        services: list[str] = services,
                        since: dt.datetime = since,
                        until: dt.datetime = until,
                    ) -> list[Any]:
                        return uow.changes.lookback(services, since, until)

                    def own_uow(
                        services: list[str] = services,
                        since: dt.datetime = since,
                        until: dt.datetime = until,
                    ) -> list[Any]:
                        with UnitOfWork(engine, read_only=True) as alone:
                            return alone.changes.lookback(services, since, until)

                    baseline_run = bare(raw, engine.dialect, services, since, until)
                    found = ours()
                    assert len(baseline_run()) == len(found) == len(own_uow())
                    mine, baseline, alone = _paired([ours, baseline_run, own_uow], repeat)
                    ratio = mine / baseline
                    met = ratio <= MAX_RATIO and mine * 1000 < MAX_MS
                    ok &= met
                    print(
                        f"    lookback, {label:15} repository {mine * 1000:6.3f} ms  bare SQL "
                        f"{baseline * 1000:6.3f} ms  ratio {ratio:4.2f}×  ({len(found)} changes)  "
                        f"{'ok' if met else 'MISSED'};  with its own unit of work "
                        f"{alone * 1000:6.3f} ms ({alone / baseline:4.1f}×)"
                    )
            finally:
                uow.__exit__(None, None, None)
                raw.close()
            return ok
        finally:
            engine.dispose()
            database.drop()


def main(quick: bool) -> bool:
    n = 50_000 if quick else 1_000_000
    repeat = 50 if quick else 300
    print(
        f"change lookback when an incident opens ({LOOKBACK_WINDOW.total_seconds() / 3600:.0f} h),"
        f" goal ≤ {MAX_RATIO}× and < {MAX_MS:.0f} ms"
    )
    results = [measure(backend, n, repeat) for backend in ("sqlite", "postgresql")]
    return all(results)
