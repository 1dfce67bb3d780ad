"""Adding a source is one module and one registry line: a source defined here, registered in
`SOURCES`, gets its webhook route, its verifier, its secret by name (HINDSIGHT_WEBHOOK_SECRETS)
and its correlation keys, with no other file touched."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator, Sequence

import pytest
import sqlalchemy as sa

from hindsight.core.events import Event, EventKind
from hindsight.sources import SOURCES
from hindsight.sources.base import subject_keys
from hindsight.sources.reading import instant, load_json, obj, text
from hindsight.sources.webhook import Webhook, token
from tests.api.server import assert_problem, count_rows, serve


class CanarySource:
    """A made-up tool: `{"id": …, "at": …, "check": …}` when a synthetic check fails."""

    name = "canary"
    webhook = Webhook(summary="Canary checks (X-Canary-Token)", verify=token("X-Canary-Token"))

    def detect(self, name: str, data: bytes) -> bool:
        return b'"check"' in data

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        body = obj(load_json(name, data), name, "")
        check = text(body, "check", name, "")
        return (
            Event(
                at=instant(body.get("at"), name, "at"),
                source=self.name,
                kind=EventKind.ALERT_FIRING,
                key=f"canary:{text(body, 'id', name, '')}",
                text=f"Canary {check} failing",
                services=(check,),
                subject=f"canary:{check}",
            ),
        )

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        return subject_keys(events)


@pytest.fixture
def registered() -> Iterator[None]:
    from hindsight.api.routes import hooks

    SOURCES["canary"] = CanarySource()  # the one registry line
    importlib.reload(hooks)
    try:
        yield
    finally:
        del SOURCES["canary"]
        importlib.reload(hooks)


def _body(n: int) -> bytes:
    return json.dumps({"id": f"c{n}", "at": "2026-03-14T14:00:00Z", "check": "login"}).encode()


def test_a_registered_source_is_served_verified_and_correlated(
    registered: None, server_engine: sa.Engine
) -> None:
    headers = {"content-type": "application/json", "X-Canary-Token": "tweet"}
    with serve(server_engine, webhook_secrets={"canary": ["old", "tweet"]}) as client:
        first = client.post("/hooks/canary", content=_body(1), headers=headers)
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "stored"
        again = client.post("/hooks/canary", content=_body(2), headers=headers)
        assert again.json()["incident"] == first.json()["incident"]  # its correlation key
        before = count_rows(server_engine)
        wrong = {**headers, "X-Canary-Token": "guess"}
        assert_problem(client.post("/hooks/canary", content=_body(3), headers=wrong), 403)
        assert_problem(
            client.post("/hooks/canary", content=_body(3), headers={"content-type": "text/csv"}),
            401,
            "X-Canary-Token",
        )
        assert count_rows(server_engine) == before
        operations = client.get("/openapi.json").json()["paths"]
        assert operations["/hooks/canary"]["post"]["summary"] == CanarySource.webhook.summary
    with serve(server_engine) as client:
        refused = client.post("/hooks/canary", content=_body(4), headers=headers)
        assert_problem(refused, 503, "HINDSIGHT_WEBHOOK_SECRETS[canary]")


def test_an_unregistered_source_has_no_route(server_engine: sa.Engine) -> None:
    with serve(server_engine) as client:
        assert_problem(client.post("/hooks/canary", content=_body(1)), 404)
