"""Every response carries the security headers; a stalled request body is answered 408 and
closed (on a real uvicorn server, over a raw socket)."""

from __future__ import annotations

import socket
import time

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from hindsight.app import create_app
from hindsight.settings import Settings
from tests.api.server import serve
from tests.e2e.processes import free_port, uvicorn_thread

HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _assert_hardened(response: object, *, cached: bool = False) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in HEADERS.items():
        assert headers.get(name) == value, (name, dict(headers))
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'none'" in policy
    if not cached:
        assert headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/api/v1/incidents", 200),
        ("GET", "/api/v1/incidents/no-such", 404),
        ("GET", "/api/v1/nowhere", 404),
        ("POST", "/api/v1/incidents", 422),
        ("GET", "/openapi.json", 200),
        ("POST", "/hooks/slack", 503),  # no secret configured on this server
    ],
)
def test_every_response_carries_the_security_headers(
    client: TestClient,
    viewer: dict[str, str],
    admin: dict[str, str],
    method: str,
    path: str,
    status: int,
) -> None:
    response = client.request(method, path, headers=admin, json={} if method == "POST" else None)
    assert response.status_code == status, response.text
    _assert_hardened(response)


def test_a_too_large_body_and_an_error_page_are_hardened_too(client: TestClient) -> None:
    big = client.post("/hooks/generic", content=b"x" * (2 * 1024 * 1024))
    assert big.status_code == 413
    _assert_hardened(big)
    unauthorized = client.get("/api/v1/incidents")
    assert unauthorized.status_code == 401
    _assert_hardened(unauthorized)


def test_each_response_has_its_own_nonce(client: TestClient) -> None:
    first = client.get("/healthz").headers["content-security-policy"]
    second = client.get("/healthz").headers["content-security-policy"]
    assert "'nonce-" in first and first != second


def test_a_stalled_body_is_answered_408_and_closed(server_engine: sa.Engine) -> None:
    port = free_port()
    app = create_app(Settings(body_timeout_s=1.0, auth="none"), engine=server_engine)
    with uvicorn_thread(app, port), socket.create_connection(("127.0.0.1", port)) as raw:
        raw.settimeout(10)
        raw.sendall(
            b"POST /api/v1/incidents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"title": '
        )
        started = time.monotonic()
        answer = b""
        while chunk := raw.recv(65536):  # the server closes the connection after answering
            answer += chunk
        waited = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"stalled" in answer and b"HINDSIGHT_BODY_TIMEOUT_S" in answer
    assert 0.9 <= waited < 8


def test_a_slow_but_steady_body_is_not_cut(server_engine: sa.Engine) -> None:
    with serve(server_engine, body_timeout_s=5.0, auth="none") as client:
        response = client.post("/api/v1/incidents", json={"title": "steady"})
        assert response.status_code == 201
