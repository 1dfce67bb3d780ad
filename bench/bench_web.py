"""Web UI: server-side render time of an incident page with 1,000 events.

The incident has 1,000 events from five sources (changes, alerts, pages, chat) and the sample
postmortem. Each page is requested through the real app (`create_app` with the web UI
installed, local mode) in-process, so the time is the server's: routing, the use cases on
SQLite, the chart, the templates. The baseline is the same incident as bare JSON
(`/incidents/<slug>/export.json`: the incident, its 1,000 events and the postmortem, no HTML)
timed in the same run. Target: the incident page in under 100 ms (median).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from hindsight.app import create_app
from hindsight.samples import sample_postmortem
from hindsight.services import UnitOfWork, open_store
from hindsight.services.incidents import create_incident
from hindsight.services.ingest import ingest
from hindsight.services.postmortems import start_postmortem
from hindsight.settings import Settings

TARGET_MS = 100.0
KINDS = ("change", "deploy", "alert-firing", "page-triggered", "acknowledged", "chat-message")
SOURCES = ("github", "alertmanager", "pagerduty", "slack", "grafana")


def events(n: int) -> bytes:
    start = dt.datetime(2026, 3, 14, 13, 0, tzinfo=dt.UTC)
    lines = []
    for i in range(n):
        at = start + dt.timedelta(seconds=7 * i)
        lines.append(
            json.dumps(
                {
                    "time": at.isoformat(),
                    "kind": KINDS[i % len(KINDS)],
                    "source": SOURCES[i % len(SOURCES)],
                    "text": f"event {i}: checkout-api <b>error</b> rate at {i % 97}%",
                    "actor": f"person-{i % 13}",
                    "service": "checkout-api",
                    "link": f"https://example.com/evidence/{i}",
                    "id": f"bench-{i}",
                }
            )
        )
    return ("\n".join(lines) + "\n").encode()


def _times(client: TestClient, path: str, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - began) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return out


def main(quick: bool) -> bool:
    n = 1000
    repeat = 10 if quick else 40
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        engine = open_store(url)
        try:
            uow = UnitOfWork(engine)
            incident = create_incident(uow, title="Bench incident", severity="SEV-2")
            ingest(uow, "generic", events(n), name="bench.jsonl", incident=incident.id)
            start_postmortem(uow, incident.id, author="bench", markdown=sample_postmortem())
            app = create_app(Settings(database_url=url, auth="none"), engine=engine)
            slug = incident.slug
            with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 1)) as client:
                pages = {
                    "incident page": f"/incidents/{slug}",
                    "editor": f"/incidents/{slug}/postmortem",
                    "incidents list": "/incidents",
                }
                baseline_path = f"/incidents/{slug}/export.json"
                for path in (*pages.values(), baseline_path):
                    _times(client, path, 2)  # warm up: templates compiled, caches filled
                baseline = statistics.median(_times(client, baseline_path, repeat))
                results = {name: _times(client, path, repeat) for name, path in pages.items()}
        finally:
            engine.dispose()
    print(f"events            {n:,} on one incident; {repeat} requests per page")
    print(f"bare JSON         {baseline:6.1f} ms median (export.json, the baseline)")
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"{name:<17} {median:6.1f} ms median, {max(times):6.1f} ms max, "
            f"{median / baseline:.2f}x the JSON"
        )
    page = statistics.median(results["incident page"])
    ok = page < TARGET_MS
    print(f"target            incident page < {TARGET_MS:.0f} ms: " + ("met" if ok else "NOT met"))
    return ok
