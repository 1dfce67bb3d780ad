"""The web UI's fixtures: a store with the sample incident (and a hostile Slack message), an
app with the pages installed, a real server on a loopback port, and Debian's Chromium.

The store is a real SQLite file, migrated, committed to: a live server answers from other
threads, so the per-test rolled-back connection of the store tests does not fit here.
"""

from __future__ import annotations

import json
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hindsight.app import create_app
from hindsight.samples import sample_evidence, sample_postmortem
from hindsight.services import UnitOfWork, open_store
from hindsight.services.auth import create_token
from hindsight.services.incidents import create_incident
from hindsight.services.ingest import ingest
from hindsight.services.postmortems import start_postmortem
from hindsight.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "build" / "npm" / "node_modules" / "axe-core" / "axe.min.js"  # make axe
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE_TITLE = "Checkout API errors: connection pool exhausted"
XSS_FLAG = "__hindsight_xss"
# As Slack sends it: `<`, `>` and `&` typed by a person arrive as entities; `<url|label>` is
# Slack's own link markup.
HOSTILE_TEXT = (
    f"&lt;script&gt;window.{XSS_FLAG}=1&lt;/script&gt;&lt;img src=x "
    f'onerror="window.{XSS_FLAG}=2"&gt; see <javascript:window.{XSS_FLAG}=3|the dashboard>'
)


def hostile_slack_message() -> bytes:
    """A Slack Events API message whose text is an attack on whoever renders it."""
    return json.dumps(
        {
            "type": "event_callback",
            "team_id": "T0EXAMPLE",
            "event_id": "Ev07EVIL0001",
            "event_time": 1773500000,
            "event": {
                "type": "message",
                "channel": "C07INC0314",
                "user": "U01PRIYA",
                "text": HOSTILE_TEXT,
                "ts": "1773500000.000100",
                "channel_type": "channel",
            },
        }
    ).encode()


def hostile_generic_event() -> bytes:
    record = {
        "time": "2026-03-14T14:50:00Z",
        "kind": "note",
        "text": f'"><svg onload="window.{XSS_FLAG}=4"> note with a bad link',
        "source": "slack",
        "link": f"javascript:window.{XSS_FLAG}=5",
        "actor": "<b onmouseover=alert(1)>bot</b>",
    }
    return json.dumps(record).encode() + b"\n"


@dataclass(frozen=True)
class Store:
    url: str
    engine: sa.Engine
    slug: str
    tokens: dict[str, str]  # role → token

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.engine)


def build_store(path: Path) -> Store:
    url = f"sqlite:///{path}"
    engine = open_store(url)
    uow = UnitOfWork(engine)
    incident = create_incident(
        uow,
        title=SAMPLE_TITLE,
        severity="SEV-1",
        services=("checkout-api",),
        customer_visible=True,
        actor="test",
    )
    # The written postmortem first (the evidence resolves a SEV-1, which would draft one), as
    # a draft: the pages edit it, and the workflow tests publish it.
    draft = sample_postmortem().replace("**Status:** Published", "**Status:** Draft")
    start_postmortem(uow, incident.id, author="priya", markdown=draft)
    for source, name, data in sample_evidence():
        ingest(uow, source, data, name=name, incident=incident.id)
    ingest(uow, "slack", hostile_slack_message(), name="slack/evil.json", incident=incident.id)
    ingest(uow, "generic", hostile_generic_event(), name="evil.jsonl", incident=incident.id)
    quiet = create_incident(uow, title="Search latency blip", severity="SEV-3", actor="test")
    tokens = {
        role: create_token(uow, name=f"{role}-user", role=role, created_by="test")[0]
        for role in ("viewer", "editor", "admin")
    }
    del quiet
    return Store(url, engine, incident.slug, tokens)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    built = build_store(tmp_path / "web.db")
    try:
        yield built
    finally:
        built.engine.dispose()


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(store: Store) -> AppFactory:
    def make(auth: str = "token", session_secret: str | None = None) -> FastAPI:
        """The real server (`create_app`, which installs the web UI) on the test's store."""
        settings = Settings(
            database_url=store.url, auth=auth, user="local-me", session_secret=session_secret
        )
        return create_app(settings, engine=store.engine)

    return make


@pytest.fixture
def client(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(), base_url="http://127.0.0.1") as c:
        yield c


def sign_in(client: TestClient, token: str) -> None:
    page = client.get("/signin")
    csrf = csrf_of(page.text)
    response = client.post(
        "/signin", data={"token": token, "csrf": csrf, "next": "/incidents"}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def csrf_of(html: str) -> str:
    marker = 'name="csrf" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


# --- a real server and a real browser ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Live:
    base: str
    store: Store


@pytest.fixture
def live(make_app: AppFactory, store: Store) -> Iterator[Live]:
    port = free_port()
    config = uvicorn.Config(make_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield Live(f"http://127.0.0.1:{port}", store)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def profile_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="hindsight-chromium-") as path:
        yield path
