"""The incident list at scale: 50,000 stored incidents, filter + search + page through the
service (`services.incidents.find_incidents`: the query, row mapping, the total) against the
bare SQL of the same page run on the DBAPI cursor with nothing around it.

Goal (issue #13): ratio ≤ 3× and under 50 ms a page, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from bench.bench_store import Database
from hindsight.core.incident import IncidentFacts, postmortem_policy
from hindsight.services.incidents import IncidentFilter, find_incidents
from hindsight.store.engine import open_store
from hindsight.store.incident_search import count_query, page_query, search_text
from hindsight.store.tables import incident_services, incidents, postmortems
from hindsight.store.unit_of_work import UnitOfWork

MAX_RATIO = 3.0
MAX_MS = 50.0
PAGE = 25
WORDS = ("checkout", "payments", "search", "latency", "errors", "timeout", "disk", "dns")

QUERIES: dict[str, IncidentFilter] = {
    "newest page": IncidentFilter(),
    "search one word": IncidentFilter(q="latency"),
    "owed SEV-2, page 3": IncidentFilter(severity="SEV-2", postmortem="owed"),
    "service + search + sort by gap": IncidentFilter(q="errors", service="svc-17", sort="gap"),
    "resolved since a date": IncidentFilter(status="resolved", since=dt.date(2026, 6, 1)),
}
OFFSETS = {"owed SEV-2, page 3": 2 * PAGE}


def populate(engine: sa.Engine, n: int) -> None:
    rng = random.Random(13)
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    rows, docs = [], []
    for i in range(1, n + 1):
        opened = start + dt.timedelta(minutes=rng.randrange(0, 700 * 24 * 60))
        severity = rng.choice(("SEV-1", "SEV-2", "SEV-3", None))
        visible = rng.random() < 0.3
        impact = rng.uniform(60, 7200)
        paged = rng.random() < 0.5
        decided = postmortem_policy(IncidentFacts(severity, visible, impact / 60, paged))
        title = f"{rng.choice(WORDS)} {rng.choice(WORDS)} on svc-{i % 200} #{i}"
        rows.append(
            {
                "id": i,
                "slug": f"{opened.date()}-incident-{i}",
                "title": title,
                "severity": severity,
                "status": rng.choice(("open", "mitigated", "resolved", "closed")),
                "services": [f"svc-{i % 200}", f"svc-{(i * 7) % 200}"],
                "customer_visible": visible,
                "detected_at": opened,
                "paged_at": opened if paged else None,
                "detection_gap_s": rng.uniform(0, 3600) if rng.random() < 0.7 else None,
                "impact_s": impact,
                "created_at": opened,
                "updated_at": opened,
                "opened_at": opened,
                "policy_decision": decided.decision,
                "policy_trigger": decided.trigger,
                "policy_why": decided.why,
            }
        )
        markdown = None
        if i % 3 == 0:
            state = rng.choice(("Draft", "In review", "Published"))
            markdown = (
                f"# Postmortem: {title}\n\n**Status:** {state}\n\n## Summary\n\n"
                + " ".join(rng.choice(WORDS) for _ in range(120))
                + "\n"
            )
            docs.append(
                {
                    "incident_id": i,
                    "version": 1,
                    "markdown": markdown,
                    "title": title,
                    "status": state,
                    "state": state,
                    "fields": {},
                    "created_at": opened,
                    "updated_at": opened,
                    "updated_by": "bench",
                }
            )
        row = rows[-1]
        row["search_text"] = search_text(title, row["slug"], row["services"], markdown)
    members = [
        {"service": service, "incident_id": row["id"]}
        for row in rows
        for service in dict.fromkeys(row["services"])
    ]
    with engine.begin() as connection:
        for chunk in range(0, len(rows), 5000):
            connection.execute(sa.insert(incidents), rows[chunk : chunk + 5000])
        for chunk in range(0, len(members), 5000):
            connection.execute(sa.insert(incident_services), members[chunk : chunk + 5000])
        for chunk in range(0, len(docs), 5000):
            connection.execute(sa.insert(postmortems), docs[chunk : chunk + 5000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def _best(run: Callable[[], object], repeat: int) -> float:
    """Median seconds of `repeat` runs after one warm-up."""
    run()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def bare(engine: sa.Engine, query: IncidentFilter, offset: int) -> Callable[[], object]:
    """The same page's SQL and its count, compiled and bound once, run on the raw DBAPI
    cursor: what the database itself costs, with no mapping around it."""
    dialect = engine.dialect
    statements: list[tuple[str, object]] = []
    for statement in (page_query(query, limit=PAGE, offset=offset), count_query(query)):
        compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
        values = compiled.construct_params()
        for name in list(values):
            bind = compiled.binds.get(name)
            if bind is None:  # an expanded IN list's member: its list's type
                bind = compiled.binds[name.rsplit("_", 1)[0]]
            processor = bind.type.bind_processor(dialect)
            values[name] = processor(values[name]) if processor else values[name]
        if compiled.positiontup is not None:  # SQLite: qmark
            statements.append((str(compiled), tuple(values[n] for n in compiled.positiontup)))
        else:
            statements.append((str(compiled), values))

    def run() -> object:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            out = []
            for text, params in statements:
                cursor.execute(text, params)
                out.append(cursor.fetchall())
            return out
        finally:
            raw.close()

    return run


def measure(backend: str, n: int, repeat: int) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(backend, Path(folder))
        engine = open_store(database.url)
        try:
            began = time.perf_counter()
            populate(engine, n)
            print(f"  {backend}: {n:,} incidents stored in {time.perf_counter() - began:.1f} s")
            ok = True
            for name, query in QUERIES.items():
                offset = OFFSETS.get(name, 0)
                ours = _best(
                    lambda q=query, o=offset: find_incidents(
                        UnitOfWork(engine, read_only=True), q, limit=PAGE, offset=o
                    ),
                    repeat,
                )
                baseline = _best(bare(engine, query, offset), repeat)
                found = find_incidents(UnitOfWork(engine, read_only=True), query, limit=PAGE)
                ratio = ours / baseline
                met = ratio <= MAX_RATIO and ours * 1000 < MAX_MS
                ok &= met
                print(
                    f"    {name:32} service {ours * 1000:7.2f} ms  bare SQL "
                    f"{baseline * 1000:7.2f} ms  ratio {ratio:4.2f}×  "
                    f"({found.total:,} match)  {'ok' if met else 'MISSED'}"
                )
            return ok
        finally:
            engine.dispose()
            database.drop()


def main(quick: bool) -> bool:
    n = 5_000 if quick else 50_000
    repeat = 5 if quick else 15
    print(
        f"incident list: filter + search + page ({PAGE} a page), goal ≤ {MAX_RATIO}× and "
        f"< {MAX_MS:.0f} ms"
    )
    results = [measure(backend, n, repeat) for backend in ("sqlite", "postgresql")]
    return all(results)
