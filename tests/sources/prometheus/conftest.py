"""A real Prometheus (the Debian package's /usr/bin/prometheus) on a loopback port, scraping a
metrics endpoint this test process serves and controls.

The endpoint serves `http_requests_total{service, code}` counters that follow a script in
time: healthy traffic, an error phase with a counter reset (a process restart) inside it, then
a scrape outage (HTTP 503: no samples), then healthy again. Tests query Prometheus for windows
of that script.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
RATE = 100.0  # requests per second, always
ERRORS = 25.0  # failing requests per second during the error phase
ERROR_PHASE = (4.0, 16.0)  # seconds after the start
RESET_AT = 10.0  # the counters restart from zero here
OUTAGE = (16.0, 23.0)  # the endpoint answers 503: Prometheus gets no samples
END = 28.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Script:
    """The traffic the endpoint reports, as a function of seconds since `start`."""

    start: float

    def counters(self, now: float) -> tuple[float, float]:
        """(ok, failed) counter values at unix time `now`."""
        since = now - self.start
        origin = RESET_AT if since >= RESET_AT else 0.0
        total = RATE * (since - origin)
        low, high = ERROR_PHASE
        failed = ERRORS * max(0.0, min(since, high) - max(low, origin))
        return total - failed, failed

    def down(self, now: float) -> bool:
        low, high = OUTAGE
        return low <= now - self.start < high

    def at(self, seconds: float) -> float:
        return self.start + seconds


class _Handler(http.server.BaseHTTPRequestHandler):
    script: Script

    def do_GET(self) -> None:
        now = time.time()
        if self.script.down(now):
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        ok, failed = self.script.counters(now)
        body = (
            "# TYPE http_requests_total counter\n"
            f'http_requests_total{{service="checkout-api",code="200"}} {ok:.3f}\n'
            f'http_requests_total{{service="checkout-api",code="500"}} {failed:.3f}\n'
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class LivePrometheus:
    url: str
    script: Script


@pytest.fixture(scope="session")
def live_prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LivePrometheus]:
    assert Path(PROMETHEUS).exists(), "install the Debian package `prometheus`"
    folder = tmp_path_factory.mktemp("prometheus")
    script = Script(time.time() + 3.0)  # a little warm-up before the script starts
    handler = type("Handler", (_Handler,), {"script": script})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = free_port()
    (folder / "prometheus.yml").write_text(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        "scrape_configs:\n  - job_name: checkout-api\n    static_configs:\n"
        f"      - targets: ['127.0.0.1:{server.server_address[1]}']\n"
    )
    log = (folder / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            PROMETHEUS,
            f"--config.file={folder / 'prometheus.yml'}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            f"--web.external-url=http://127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=2.0) as client:
            for _ in range(150):
                try:
                    if client.get(f"{url}/-/ready").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, (folder / "prometheus.log").read_text()
                time.sleep(0.1)
            else:
                raise AssertionError("Prometheus did not become ready in 15 s")
        time.sleep(max(0.0, script.at(END + 1.0) - time.time()))  # let the script play out
        yield LivePrometheus(url, script)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
