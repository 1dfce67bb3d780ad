"""Load: `wrk` (Debian; installed with apt-get if missing) posting distinct Alertmanager
deliveries to `hindsight serve`, on SQLite and PostgreSQL, against a raw insert of the same
rows into the same database in the same run.

1. Throughput: wrk, closed loop, a Lua script building every delivery distinct (thread,
   counter and alert in each fingerprint), 20 alerts each. Alerts stored per second (the
   deliveries answered 200 `stored`, times their alerts; checked against the database).
2. Baseline: the same number of rows, built by the same parser, inserted by the store's bulk
   path (SQLite: one `executemany`; PostgreSQL: binary COPY) into a fresh incident, 10,000 rows a
   transaction — the fastest this database stores these rows. Printed: the ratio (goal ≥ 0.2).
3. Paced: 200 deliveries/s × 50 alerts (wrk2 is not in Debian: wrk's Lua `delay()` paces each
   of 100 connections to one request per 500 ms plus its latency, so the offered rate is a
   little under 200/s and printed as measured), p50/p99 latency from wrk (goal p99 < 100 ms).
4. Past capacity: 2,048 connections against a server with a small delivery queue: the excess
   is shed with 503 and Retry-After, never a 5xx of another kind.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

TOKEN = "bench-load-token"
MIN_RATIO = 0.2
MAX_P99_MS = 100.0
POSTGRES_URL = os.environ.get(
    "HINDSIGHT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

LUA = r"""
local alerts = tonumber(os.getenv("BENCH_ALERTS"))
local pace_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  ok = 0
  shed = 0
  other = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
end

function request()
  n = n + 1
  local service = "svc-" .. (n % 8)
  local parts = {}
  for a = 1, alerts do
    parts[a] = string.format(
      '{"status":"firing","labels":{"alertname":"HighErrorRate","service":"%s","pod":"p%d"},' ..
      '"annotations":{"summary":"%s pod p%d 5xx ratio is 12%%"},' ..
      '"startsAt":"2026-03-14T13:00:00.000Z","endsAt":"0001-01-01T00:00:00Z",' ..
      '"fingerprint":"%s-%04x-%08x-%04x"}',
      service, a, service, a, os.getenv("BENCH_RUN"), id, n, a)
  end
  local body = '{"receiver":"hindsight","status":"firing","alerts":[' .. table.concat(parts, ",") ..
    '],"groupLabels":{"service":"' .. service .. '"},"commonLabels":{},' ..
    '"externalURL":"http://127.0.0.1:9093","version":"4",' ..
    '"groupKey":"{}:{service=\\"' .. service .. '\\", d=\\"' .. id .. '-' .. n .. '\\"}"}'
  return wrk.format(nil, "/hooks/alertmanager", nil, body)
end

function delay()
  return pace_ms
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 503 then shed = shed + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_shed, total_other = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_shed = total_shed + thread:get("shed")
    total_other = total_other + thread:get("other")
  end
  io.write(string.format(
    "BENCH {\"ok\":%d,\"shed\":%d,\"other\":%d,\"seconds\":%f," ..
    "\"p50_ms\":%f,\"p99_ms\":%f,\"errors\":%d}\n",
    total_ok, total_shed, total_other, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def _wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        subprocess.run(
            ["apt-get", "install", "-y", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def _port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    def __init__(self, url: str, log: Path, **settings: str) -> None:
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PYTHONWARNINGS": "ignore",
            "HINDSIGHT_DATABASE_URL": url,
            "HINDSIGHT_AUTH": "none",
            "HINDSIGHT_ALERTMANAGER_TOKEN": TOKEN,
            "HINDSIGHT_LOG_JSON": "true",
            **{f"HINDSIGHT_{k.upper()}": v for k, v in settings.items()},
        }
        self.out = log.open("wb")
        command = [sys.executable, "-m", "hindsight", "serve", "--port", str(self.port)]
        command += ["--log-level", "warning"]
        self.process = subprocess.Popen(command, env=env, stdout=self.out, stderr=self.out)
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(self.base + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError(f"the server did not start: see {log}")
            time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.out.close()


def _run_wrk(
    wrk: str, script: Path, base: str, *, connections: int, seconds: int, alerts: int, **env: str
) -> dict[str, Any]:
    threads = min(2, connections)
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    found = subprocess.run(
        [*command, "-s", str(script), base],
        env={
            **os.environ,
            "BENCH_TOKEN": TOKEN,
            "BENCH_ALERTS": str(alerts),
            "BENCH_RUN": uuid.uuid4().hex[:8],
            **env,
        },
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in found.splitlines() if x.startswith("BENCH "))
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    return result


def _count(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one())
    finally:
        engine.dispose()


def _raw_insert_per_s(url: str, rows: int, alerts: int) -> float:
    """The baseline: `rows` events of the same deliveries, parsed by the same adapter, stored
    by the store's bulk path into one fresh incident, 10,000 a transaction."""
    from hindsight.services.ingest import parse
    from hindsight.store.engine import open_store
    from hindsight.store.event_values import stored_values
    from hindsight.store.records import NewIncident
    from hindsight.store.unit_of_work import UnitOfWork

    deliveries = max(1, rows // alerts)
    events = []
    for n in range(deliveries):
        body = {
            "receiver": "hindsight",
            "status": "firing",
            "alerts": [
                {
                    "status": "firing",
                    "labels": {"alertname": "HighErrorRate", "service": f"svc-{n % 8}"},
                    "annotations": {"summary": f"svc-{n % 8} pod p{a} 5xx ratio is 12%"},
                    "startsAt": "2026-03-14T13:00:00.000Z",
                    "endsAt": "0001-01-01T00:00:00Z",
                    "fingerprint": f"raw-{n:08x}-{a:04x}",
                }
                for a in range(alerts)
            ],
            "groupLabels": {},
            "commonLabels": {},
            "externalURL": "http://127.0.0.1:9093",
            "version": "4",
            "groupKey": f"raw-{n}",
        }
        events.extend(parse("alertmanager", json.dumps(body).encode()).events)
    engine = open_store(url)
    try:
        values = stored_values(events, engine.dialect.name)
        import datetime as dt

        now = dt.datetime.now(dt.UTC)
        with UnitOfWork(engine) as uow:
            incident = uow.incidents.add(
                NewIncident(slug=f"raw-{uuid.uuid4().hex[:8]}", title="raw insert"), now
            )
            uow.commit()
        started = time.perf_counter()
        for at in range(0, len(values), 10_000):
            with UnitOfWork(engine) as uow:
                uow.events.add_values(incident.id, None, values[at : at + 10_000])
                uow.commit()
        took = time.perf_counter() - started
    finally:
        engine.dispose()
    return len(values) / took


def _database(backend: str, folder: Path) -> tuple[str, str | None]:
    if backend == "sqlite":
        return f"sqlite:///{folder / 'load.db'}", None
    schema = f"hs_bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    joiner = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{joiner}options=-csearch_path%3D{schema}", schema


def _drop(schema: str | None) -> None:
    if schema is None:
        return
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


def _one(backend: str, wrk: str, script: Path, folder: Path, quick: bool) -> bool:
    url, schema = _database(backend, folder)
    seconds = 3 if quick else 10
    try:
        server = Server(url, folder / f"{backend}.log")
        try:
            before = _count(url)
            storm = _run_wrk(wrk, script, server.base, connections=32, seconds=seconds, alerts=20)
            time.sleep(0.5)
            stored = _count(url) - before
            rate = storm["ok"] * 20 / storm["seconds"]
            # Each connection waits delay() between an answer and its next request: many
            # connections with a long delay keep the rate near 200/s whatever the latency.
            paced_connections = 100
            paced = _run_wrk(
                wrk,
                script,
                server.base,
                connections=paced_connections,
                seconds=seconds,
                alerts=50,
                BENCH_DELAY_MS=str(1000 * paced_connections // 200),
            )
        finally:
            server.stop()
        small = Server(url, folder / f"{backend}-shed.log", delivery_queue_depth="64")
        try:
            flood = _run_wrk(wrk, script, small.base, connections=2048, seconds=3, alerts=20)
        finally:
            small.stop()
        raw = _raw_insert_per_s(url, max(20_000, storm["ok"] * 20), 20)
    finally:
        _drop(schema)
    ratio = rate / raw
    paced_rate = (paced["ok"] + paced["shed"] + paced["other"]) / paced["seconds"]
    print(
        f"[{backend}] wrk storm      {rate:9.0f} alerts stored/s  ({storm['ok']} deliveries,"
        f" {storm['shed']} shed, {storm['other']} other, {storm['errors']} socket errors;"
        f" database gained {stored} events)"
    )
    print(f"[{backend}] raw insert     {raw:9.0f} rows/s (same rows, store bulk path)")
    print(f"[{backend}] ratio          {ratio:9.3f}   (goal ≥ {MIN_RATIO})")
    print(
        f"[{backend}] paced          {paced_rate:6.0f} deliveries/s × 50 alerts:"
        f" p50 {paced['p50_ms']:.1f} ms, p99 {paced['p99_ms']:.1f} ms (goal p99 < {MAX_P99_MS:.0f})"
    )
    print(
        f"[{backend}] 2048 conns     {flood['ok']} stored, {flood['shed']} shed with 503,"
        f" {flood['other']} other statuses, {flood['errors']} socket errors/timeouts"
    )
    honest = stored >= storm["ok"] * 20 and flood["other"] == 0 and storm["other"] == 0
    return honest and ratio >= MIN_RATIO and paced["p99_ms"] < MAX_P99_MS


def main(quick: bool) -> bool:
    wrk = _wrk()
    with tempfile.TemporaryDirectory(prefix="hs-bench-load-") as tmp:
        folder = Path(tmp)
        script = folder / "deliveries.lua"
        script.write_text(LUA)
        results = [
            _one(backend, wrk, script, folder, quick) for backend in ("sqlite", "postgresql")
        ]
    return all(results)
