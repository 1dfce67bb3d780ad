"""Server: an Alertmanager alert storm over loopback against the same server's /healthz.

Hindsight runs as its own process (uvicorn, SQLite, the real middleware and webhook path with
bearer-token checks). In the same run:

1. /healthz throughput with the same client and concurrency: the baseline.
2. The storm: many concurrent Alertmanager deliveries with many alerts each (distinct
   fingerprints, a few services, one groupKey per delivery) — accepted events/s, deliveries/s,
   p50/p99 latency; then every delivery again (re-delivery) must store nothing.
3. Paced: deliveries at a fixed 200/s (open loop), latency p50/p99.

Every delivered event must be stored exactly once (counted in the database afterwards).
Targets: storm events/s ≥ 50% of /healthz requests/s; p99 < 100 ms at 200 deliveries/s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

TOKEN = "bench-token"
MIN_RATIO = 0.5
MAX_P99_MS = 100.0
PACED_RATE = 200


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SERVER = """
import sys, uvicorn
from hindsight.app import create_app
from hindsight.settings import Settings
settings = Settings(database_url=sys.argv[1], auth="none", alertmanager_token=sys.argv[3])
uvicorn.run(create_app(settings), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", access_log=False, ws="none")
"""


def _payload(delivery: int, alerts: int, start: dt.datetime) -> bytes:
    service = f"svc-{delivery % 8}"
    at = (start + dt.timedelta(milliseconds=delivery)).isoformat(timespec="milliseconds")
    body = {
        "receiver": "hindsight",
        "status": "firing",
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "HighErrorRate", "service": service, "pod": f"p{n}"},
                "annotations": {"summary": f"{service} pod p{n} 5xx ratio is 12%"},
                "startsAt": at.replace("+00:00", "Z"),
                "endsAt": "0001-01-01T00:00:00Z",
                "generatorURL": "http://127.0.0.1:9090/graph?g0.expr=x\u0026g0.tab=1",
                "fingerprint": f"{delivery:08x}{n:08x}",
            }
            for n in range(alerts)
        ],
        "groupLabels": {"alertname": "HighErrorRate", "service": service},
        "commonLabels": {"alertname": "HighErrorRate", "service": service},
        "commonAnnotations": {},
        "externalURL": "http://127.0.0.1:9093",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="HighErrorRate", service="{service}", d="{delivery}"}}',
        "truncatedAlerts": 0,
    }
    return (json.dumps(body, separators=(",", ":")) + "\n").encode()


async def _closed_loop(
    client: httpx.AsyncClient, requests: list[tuple[str, bytes | None]], concurrency: int
) -> tuple[float, list[float], list[dict[str, Any]]]:
    """Send every request with `concurrency` in flight; (seconds, latencies, bodies)."""
    queue = list(reversed(requests))
    latencies: list[float] = []
    bodies: list[dict[str, Any]] = []
    headers = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}

    async def worker() -> None:
        while queue:
            path, body = queue.pop()
            sent = time.perf_counter()
            if body is None:
                response = await client.get(path)
            else:
                response = await client.post(path, content=body, headers=headers)
            latencies.append(time.perf_counter() - sent)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
            bodies.append(response.json())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, bodies


async def _paced(
    client: httpx.AsyncClient, payloads: list[bytes], rate: float, budget: float
) -> tuple[float, list[float], int]:
    """Open loop at `rate`; a request not answered within `budget` seconds of the phase's
    start counts as missed (so the phase, and the run, stay bounded)."""
    headers = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    latencies: list[float] = []
    started = time.perf_counter()
    deadline = started + budget

    async def one(at: float, body: bytes) -> None:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        sent = time.perf_counter()
        try:
            response = await client.post(
                "/hooks/alertmanager",
                content=body,
                headers=headers,
                timeout=max(0.05, deadline - sent),
            )
        except httpx.TimeoutException:
            return
        latencies.append(time.perf_counter() - sent)
        if response.status_code != 200:
            raise RuntimeError(f"paced: {response.status_code} {response.text[:200]}")

    await asyncio.gather(*(one(started + i / rate, b) for i, b in enumerate(payloads)))
    return time.perf_counter() - started, latencies, len(payloads) - len(latencies)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _count(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        found = int(connection.execute("SELECT count(*) FROM events").fetchone()[0])
    connection.close()
    return found


async def _run(base: str, db: Path, quick: bool) -> dict[str, Any]:
    deliveries, alerts, concurrency = (150, 20, 16) if quick else (800, 50, 32)
    paced_seconds = 1 if quick else 4
    healthz_n = 1000 if quick else 5000
    start = dt.datetime(2026, 3, 14, 13, 0, tzinfo=dt.UTC)
    storm = [_payload(i, alerts, start) for i in range(deliveries)]
    paced = [_payload(deliveries + i, 10, start) for i in range(int(PACED_RATE * paced_seconds))]
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await _closed_loop(client, [("/healthz", None)] * 200, concurrency)  # warm up
        health_s, _, _ = await _closed_loop(client, [("/healthz", None)] * healthz_n, concurrency)
        storm_s, storm_lat, bodies = await _closed_loop(
            client, [("/hooks/alertmanager", b) for b in storm], concurrency
        )
        _, _, again = await _closed_loop(
            client, [("/hooks/alertmanager", b) for b in storm], concurrency
        )
        stored_after_storm = _count(db)  # the paced phase below may leave requests unanswered
        paced_s, paced_lat, missed = await _paced(client, paced, PACED_RATE, paced_seconds + 4)
    return {
        "stored": stored_after_storm,
        "missed": missed,
        "healthz_rps": healthz_n / health_s,
        "deliveries": deliveries,
        "alerts": alerts,
        "storm_s": storm_s,
        "storm_lat": storm_lat,
        "added": sum(b["added"] for b in bodies),
        "redelivered_added": sum(b["added"] for b in again),
        "redelivered_duplicates": sum(b["status"] == "duplicate" for b in again),
        "paced_n": len(paced),
        "paced_s": paced_s,
        "paced_lat": paced_lat,
        "expected_events": deliveries * alerts,
    }


def main(quick: bool) -> bool:
    with tempfile.TemporaryDirectory(prefix="hs-bench-server-") as tmp:
        db = Path(tmp) / "bench.db"
        port = _port()
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, f"sqlite:///{db}", str(port), TOKEN],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the server did not start")
                time.sleep(0.1)
            found = asyncio.run(_run(base, db, quick))
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(5)
            if server.stderr is not None:
                server.stderr.close()
    events_per_s = found["added"] / found["storm_s"]
    deliveries_per_s = found["deliveries"] / found["storm_s"]
    ratio = events_per_s / found["healthz_rps"]
    paced_p99 = _pct(found["paced_lat"], 0.99) if found["paced_lat"] else float("inf")
    stored = found["stored"]
    print(f"/healthz                  {found['healthz_rps']:9.0f} requests/s")
    print(
        f"storm: {found['deliveries']} deliveries × {found['alerts']} alerts  "
        f"{deliveries_per_s:7.0f} deliveries/s  {events_per_s:9.0f} events/s  "
        f"p50 {_pct(found['storm_lat'], 0.5):.1f} ms  p99 {_pct(found['storm_lat'], 0.99):.1f} ms"
    )
    print(
        f"ratio: events/s ÷ /healthz requests/s = {ratio:.2f} (target ≥ {MIN_RATIO}); "
        f"deliveries/s ÷ /healthz = {deliveries_per_s / found['healthz_rps']:.2f}"
    )
    print(
        f"paced {PACED_RATE} deliveries/s × {found['paced_n']}: "
        f"answered {len(found['paced_lat'])} in {found['paced_s']:.1f} s, "
        f"{found['missed']} missed the time budget  "
        f"p50 {_pct(found['paced_lat'], 0.5) if found['paced_lat'] else float('inf'):.1f} ms  "
        f"p99 {paced_p99:.1f} ms (target < {MAX_P99_MS:.0f} ms, none missed)"
    )
    exact = stored == found["expected_events"] and found["redelivered_added"] == 0
    print(
        f"storm: stored {stored} events for {found['expected_events']} delivered "
        f"(re-delivery of all {found['deliveries']}: {found['redelivered_duplicates']} duplicates, "
        f"{found['redelivered_added']} added) → {'exactly once' if exact else 'MISMATCH'}"
    )
    return ratio >= MIN_RATIO and paced_p99 < MAX_P99_MS and not found["missed"] and exact
