"""End to end with the real tools: Prometheus scrapes a gauge the test controls, evaluates
HighErrorRate, Alertmanager delivers to Hindsight (bearer token) — fire, repeat, resolve.

Needs Debian's `prometheus` and `prometheus-alertmanager` (`.ci/run` installs them). Every
wait is bounded and the processes are stopped by PID.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from hindsight.app import create_app
from hindsight.settings import Settings
from tests.e2e.processes import Gauge, free_port, process, uvicorn_thread, wait_for

TOKEN = "e2e-alertmanager-token"

RULES = """groups:
  - name: checkout-api-slo
    interval: 1s
    rules:
      - alert: HighErrorRate
        expr: max by (service) (checkout_error_ratio{service="checkout-api"}) > 0.05
        for: 0s
        labels: {severity: page}
        annotations:
          summary: 'checkout-api 5xx ratio is {{ $value | humanizePercentage }}'
          runbook_url: https://runbooks.example.com/checkout-api/high-error-rate
"""


def _configs(tmp: Path, gauge: int, hindsight: int, prom: int, am: int) -> None:
    (tmp / "rules.yml").write_text(RULES)
    (tmp / "prometheus.yml").write_text(
        f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels: {{env: e2e}}
rule_files: [rules.yml]
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:{am}']
scrape_configs:
  - job_name: checkout-api
    static_configs:
      - targets: ['127.0.0.1:{gauge}']
"""
    )
    (tmp / "alertmanager.yml").write_text(
        f"""route:
  receiver: hindsight
  group_by: ['alertname', 'service']
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 8s
receivers:
  - name: hindsight
    webhook_configs:
      - url: 'http://127.0.0.1:{hindsight}/hooks/alertmanager'
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: {TOKEN}
"""
    )


def _deliveries(api: httpx.Client) -> dict[str, float]:
    out: dict[str, float] = {}
    for line in api.get("/metrics").text.splitlines():
        if (
            line.startswith("hindsight_webhook_deliveries_total{")
            and 'source="alertmanager"' in line
        ):
            outcome = line.split('outcome="')[1].split('"')[0]
            out[outcome] = float(line.rsplit(" ", 1)[1])
    return out


def _alert_events(api: httpx.Client) -> tuple[str | None, list[dict[str, Any]]]:
    for incident in api.get("/api/v1/incidents").json()["items"]:
        events = api.get(f"/api/v1/incidents/{incident['slug']}/events").json()["items"]
        mine = [e for e in events if "HighErrorRate" in e["text"]]
        if mine:
            return str(incident["slug"]), mine
    return None, []


def _at(event: dict[str, Any]) -> float:
    return dt.datetime.fromisoformat(event["at"].replace("Z", "+00:00")).timestamp()


def test_alertmanager_fires_repeats_and_resolves_into_one_incident(tmp_path: Path) -> None:
    prometheus = shutil.which("prometheus")
    alertmanager = shutil.which("prometheus-alertmanager")
    assert prometheus and alertmanager, "install prometheus and prometheus-alertmanager (.ci/run)"
    hindsight, prom, am = free_port(), free_port(), free_port()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'e2e.db'}", auth="none", alertmanager_token=TOKEN
    )
    started = time.monotonic()
    with (
        Gauge().running() as gauge,
        uvicorn_thread(create_app(settings), hindsight),
        httpx.Client(base_url=f"http://127.0.0.1:{hindsight}", timeout=10) as api,
    ):
        _configs(tmp_path, gauge.port, hindsight, prom, am)
        am_args = [
            alertmanager,
            f"--config.file={tmp_path / 'alertmanager.yml'}",
            f"--storage.path={tmp_path / 'am'}",
            f"--web.listen-address=127.0.0.1:{am}",
            "--cluster.listen-address=",
            f"--web.external-url=http://127.0.0.1:{am}",
        ]
        prom_args = [
            prometheus,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'prom'}",
            f"--web.listen-address=127.0.0.1:{prom}",
            f"--web.external-url=http://127.0.0.1:{prom}",
            "--rules.alert.resend-delay=2s",
        ]
        with (
            process(am_args, tmp_path / "alertmanager.log"),
            process(prom_args, tmp_path / "prometheus.log"),
            httpx.Client(timeout=5) as probe,
        ):

            def target_up() -> bool:
                try:
                    found = probe.get(f"http://127.0.0.1:{prom}/api/v1/targets").json()
                except (httpx.HTTPError, ValueError):
                    return False
                active = found.get("data", {}).get("activeTargets", [])
                return any(t.get("health") == "up" for t in active)

            def am_ready() -> bool:
                try:
                    return probe.get(f"http://127.0.0.1:{am}/-/ready").status_code == 200
                except httpx.HTTPError:
                    return False

            wait_for("Alertmanager to be ready", am_ready, 30)
            wait_for("Prometheus to scrape the gauge", target_up, 30)
            fired_from = time.time()
            gauge.value = 0.12
            first_seen = wait_for(
                "the firing notification", lambda: bool(_alert_events(api)[1]), 45
            )
            slug, events = _alert_events(api)
            assert slug is not None
            assert [e["kind"] for e in events] == ["alert-firing"]
            firing = events[0]
            assert fired_from - 1.5 <= _at(firing) <= first_seen, (fired_from, firing, first_seen)
            # Alertmanager repeats the identical notification after repeat_interval: accepted
            # (2xx, or it would retry) and stored as nothing new.
            wait_for("a repeat notification", lambda: _deliveries(api).get("duplicate", 0) >= 1, 30)
            assert _alert_events(api)[1] == events
            resolved_from = time.time()
            gauge.value = 0.0

            def resolved() -> bool:
                return any(e["kind"] == "alert-resolved" for e in _alert_events(api)[1])

            resolved_seen = wait_for("the resolved notification", resolved, 30)
            final_slug, final = _alert_events(api)
            delivered = _deliveries(api)
    assert final_slug == slug
    assert [e["kind"] for e in final] == ["alert-firing", "alert-resolved"]
    assert final[0] == firing
    assert resolved_from - 1.5 <= _at(final[1]) <= resolved_seen
    assert delivered.get("stored", 0) == 2 and delivered.get("duplicate", 0) >= 1, delivered
    assert set(delivered) <= {"stored", "duplicate"}, delivered  # nothing refused or invalid
    # Re-read after everything stopped: what is there was durably stored, once.
    with TestClient(create_app(settings)) as client:
        incident = client.get(f"/api/v1/incidents/{slug}").json()
        stored = client.get(f"/api/v1/incidents/{slug}/events").json()
    assert stored["total"] == 2
    assert incident["milestones"]["detected_at"] is not None
    assert time.monotonic() - started < 120


pytestmark = pytest.mark.slow
