"""Large incidents: one incident with 100,000 events, served by its own process (uvicorn,
SQLite, the real middleware), against the same server in the same run.

1. First page of the incident page, the events API and the timeline API: time and size.
   Targets: < 300 ms and < 2 MB each.
2. Deliveries (Alertmanager, 20 alerts each, paced at 20/s) with nobody viewing: the baseline
   p50/p99; then the same deliveries while 16 viewers load the incident page in a loop.
   Target: p99 of deliveries under the viewers < 250 ms; printed as a ratio of the baseline.

The viewers and the deliveries are separate client processes' worth of connections driven by
asyncio, so the client is not the bottleneck: it waits on the server almost all the time.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.bench_server import SERVER, TOKEN, _pct, _port
from bench.bench_web import events
from hindsight.services import UnitOfWork, open_store
from hindsight.services.incidents import create_incident
from hindsight.services.ingest import ingest

FIRST_PAGE_MS = 300.0
FIRST_PAGE_BYTES = 2_000_000
DELIVERY_P99_MS = 250.0
VIEWERS = 16


def _load(url: str, n: int) -> str:
    engine = open_store(url)
    try:
        uow = UnitOfWork(engine)
        incident = create_incident(uow, title="A storm", severity="SEV-1")
        step = 20_000
        blob = events(n).split(b"\n")
        for start in range(0, n, step):
            chunk = b"\n".join(blob[start : start + step]) + b"\n"
            ingest(uow, "generic", chunk, name=f"storm-{start}.jsonl", incident=incident.id)
        return incident.slug
    finally:
        engine.dispose()


def _alert(i: int) -> bytes:
    at = dt.datetime(2026, 3, 14, 13, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=i)
    alerts = [
        {
            "status": "firing",
            "labels": {"alertname": "Storm", "service": "checkout-api", "n": f"{i}-{a}"},
            "annotations": {"summary": f"alert {i}-{a}"},
            "startsAt": at.isoformat(),
            "endsAt": "0001-01-01T00:00:00Z",
            "fingerprint": f"{i:08x}{a:04x}",
        }
        for a in range(20)
    ]
    body = {
        "receiver": "hindsight",
        "status": "firing",
        "alerts": alerts,
        "groupLabels": {"alertname": "Storm"},
        "commonLabels": {"alertname": "Storm", "service": "checkout-api"},
        "commonAnnotations": {},
        "externalURL": "http://alertmanager.example",
        "version": "4",
        "groupKey": f'{{}}:{{alertname="Storm", n="{i}"}}',
        "truncatedAlerts": 0,
    }
    return json.dumps(body).encode()


async def _first_pages(base: str, slug: str) -> dict[str, tuple[float, int]]:
    paths = {
        "incident page": f"/incidents/{slug}",
        "events API": f"/api/v1/incidents/{slug}/events",
        "timeline API": f"/api/v1/incidents/{slug}/timeline",
    }
    out = {}
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for name, path in paths.items():
            await client.get(path)  # warm: templates compiled, pages cached by the OS
            times, size = [], 0
            for _ in range(5):
                began = time.perf_counter()
                response = await client.get(path)
                times.append((time.perf_counter() - began) * 1000)
                response.raise_for_status()
                size = len(response.content)
            out[name] = (statistics.median(times), size)
    return out


async def _deliveries(base: str, first: int, count: int, rate: float) -> list[float]:
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def one(i: int) -> None:
            began = time.perf_counter()
            response = await client.post("/hooks/alertmanager", content=_alert(i), headers=headers)
            latencies.append(time.perf_counter() - began)  # seconds: `_pct` gives ms
            if response.status_code >= 300:
                raise RuntimeError(f"delivery {i}: HTTP {response.status_code} {response.text}")

        tasks = []
        start = time.perf_counter()
        for k in range(count):
            await asyncio.sleep(max(0.0, start + k / rate - time.perf_counter()))
            tasks.append(asyncio.create_task(one(first + k)))
        await asyncio.gather(*tasks)
    return latencies


async def _viewers(base: str, slug: str, stop: asyncio.Event) -> int:
    loaded = 0
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:

        async def view() -> None:
            nonlocal loaded
            while not stop.is_set():
                (await client.get(f"/incidents/{slug}")).raise_for_status()
                loaded += 1

        await asyncio.gather(*(view() for _ in range(VIEWERS)))
    return loaded


async def _under_viewers(base: str, slug: str, first: int, count: int) -> tuple[list[float], int]:
    stop = asyncio.Event()
    viewing = asyncio.create_task(_viewers(base, slug, stop))
    await asyncio.sleep(1.0)  # the viewers are all loading before the first delivery
    latencies = await _deliveries(base, first, count, 20)
    stop.set()
    return latencies, await viewing


def main(quick: bool) -> bool:
    n = 20_000 if quick else 100_000
    count = 60 if quick else 200
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "large.db"
        url = f"sqlite:///{db}"
        began = time.perf_counter()
        slug = _load(url, n)
        loaded_s = time.perf_counter() - began
        port = _port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "HINDSIGHT_LOG_LEVEL": "warning"}
        server = subprocess.Popen([sys.executable, "-c", SERVER, url, str(port), TOKEN], env=env)
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            pages = asyncio.run(_first_pages(base, slug))
            quiet = asyncio.run(_deliveries(base, 0, count, 20))
            busy, views = asyncio.run(_under_viewers(base, slug, 10_000, count))
        finally:
            server.terminate()
            server.wait(10)
    print(f"incident          {n:,} events on one incident (loaded in {loaded_s:.1f} s)")
    ok = True
    for name, (ms, size) in pages.items():
        met = ms < FIRST_PAGE_MS and size < FIRST_PAGE_BYTES
        ok = ok and met
        print(
            f"{name:<17} first page {ms:6.1f} ms, {size / 1e6:5.2f} MB "
            f"(target < {FIRST_PAGE_MS:.0f} ms, < 2 MB: {'met' if met else 'NOT met'})"
        )
    q50, q99 = _pct(quiet, 0.50), _pct(quiet, 0.99)
    b50, b99 = _pct(busy, 0.50), _pct(busy, 0.99)
    print(f"deliveries alone  p50 {q50:6.1f} ms, p99 {q99:6.1f} ms ({count} at 20/s: the baseline)")
    print(
        f"with {VIEWERS} viewers   p50 {b50:6.1f} ms, p99 {b99:6.1f} ms "
        f"({b99 / max(q99, 0.001):.2f}x the baseline's p99; {views} pages served meanwhile)"
    )
    met = b99 < DELIVERY_P99_MS
    print(
        f"target            deliveries p99 < {DELIVERY_P99_MS:.0f} ms under viewers: "
        + ("met" if met else "NOT met")
    )
    return ok and met
