"""A local webhook receiver for the outgoing-webhook tests: verifies each delivery's signature
as a subscriber would (from the documented scheme, not from our signer), keeps what it got,
and answers 200 — or, at the failing path, 500 every time."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    event: str
    delivery: str
    verified: bool
    body: dict[str, Any]


@dataclass
class Receiver:
    secret: str
    port: int = 0
    got: list[Received] = field(default_factory=list)
    failed_attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(
        self, slug: str, count: int, *, path: str = "/ok", timeout: float = 20.0
    ) -> list[Received]:
        """The deliveries about incident `slug`, once `count` of them arrived."""
        deadline = time.monotonic() + timeout
        found: list[Received] = []
        while time.monotonic() < deadline:
            with self.lock:
                found = [
                    r for r in self.got if r.path == path and r.body["incident"]["slug"] == slug
                ]
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"{path} received {len(found)} deliveries, expected {count}")


def _verify(secret: str, timestamp: str, body: bytes, given: str) -> bool:
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + expected.hexdigest(), given)


@contextmanager
def receiving(secret: str) -> Iterator[Receiver]:
    receiver = Receiver(secret)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.path == "/fail":
                with receiver.lock:
                    receiver.failed_attempts += 1
                self.send_response(500)
                self.end_headers()
                return
            verified = _verify(
                receiver.secret,
                self.headers.get("X-Hindsight-Timestamp", ""),
                body,
                self.headers.get("X-Hindsight-Signature", ""),
            )
            with receiver.lock:
                receiver.got.append(
                    Received(
                        self.path,
                        self.headers.get("X-Hindsight-Event", ""),
                        self.headers.get("X-Hindsight-Delivery", ""),
                        verified,
                        json.loads(body),
                    )
                )
            self.send_response(200 if verified else 401)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
