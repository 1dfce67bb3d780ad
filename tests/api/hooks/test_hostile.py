"""Hostile input is never a 5xx: every webhook source, on SQLite and PostgreSQL, correctly
signed, so every mutation reaches the parser and the store. A refusal is a 4xx problem
document that says what is wrong and where, and stores nothing; the cases that once answered
500 are explicit examples, the rest are generated (Hypothesis). The answers are tallied and
printed at the end of the run."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.hooks.hostile import TALLY, delivery
from tests.api.hooks.signing import NOW, SECRETS, SOURCES, Signer, sample
from tests.api.server import assert_problem, count_rows, serve

# Per source and backend: 350 generated deliveries in all, well under a minute; raise it for a
# longer hunt (HINDSIGHT_FUZZ_EXAMPLES=500).
EXAMPLES = int(os.environ.get("HINDSIGHT_FUZZ_EXAMPLES", "25"))


@pytest.fixture(scope="module")
def hooks(server_engine: sa.Engine) -> Iterator[TestClient]:
    with serve(server_engine, lambda: NOW, auth_failure_limit=1_000_000, **SECRETS) as client:
        yield client


@pytest.fixture(scope="module")
def pinned(server_engine: sa.Engine) -> dict[str, str]:
    """An incident per source to pin deliveries to (Slack, GitHub and CSV raise no alarm)."""
    from hindsight.services import UnitOfWork
    from hindsight.services.incidents import create_incident

    return {
        source: create_incident(UnitOfWork(server_engine), title=f"fuzz {source}").slug
        for source in SOURCES
    }


def _deliver(
    hooks: TestClient,
    engine: sa.Engine,
    backend: str,
    source: str,
    body: bytes,
    *,
    incident: str | None,
    headers: dict[str, str] | None = None,
) -> Any:
    """Send `body` signed; a 5xx fails, a 4xx must be a problem document and store nothing."""
    before = count_rows(engine)
    url = f"/hooks/{source}" + (f"?incident={incident}" if incident else "")
    response = hooks.post(url, content=body, headers=headers or Signer(source).headers(body))
    TALLY[backend, source, str(response.status_code)] += 1
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        assert_problem(response, response.status_code)
        assert count_rows(engine) == before, response.text[:300]
    return response


def _with(source: str, change: Callable[[dict[str, Any]], None], fragment: str = "") -> bytes:
    """The sample with `change` applied; a `"@@"` value it sets is replaced by raw JSON text."""
    body = json.loads(sample(source))
    change(body)
    return json.dumps(body).replace('"@@"', fragment).encode()


def _set(*path: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        node = body
        for part in path[:-2]:
            node = node[part]
        node[path[-2]] = path[-1]

    return change


LONG_INT = "9" * 5000
JSON_SOURCES = [s for s in SOURCES if s != "generic"]
TEXT_FIELD = {
    "alertmanager": ("alerts", 0, "annotations", "summary"),
    "grafana": ("alerts", 0, "annotations", "summary"),
    "pagerduty": ("event", "data", "title"),
    "opsgenie": ("alert", "message"),
    "slack": ("event", "text"),
    "github": ("deployment", "description"),
}
# The cases of issue #19 that answered 500, each with the words its problem must say.
EXPLICIT: list[tuple[str, str, bytes, tuple[str, ...]]] = [
    *(
        (f"{s}-long-integer", s, _with(s, _set(*TEXT_FIELD[s], "@@"), LONG_INT), ("digits",))
        for s in JSON_SOURCES
    ),
    *(
        (f"{s}-nul", s, _with(s, _set(*TEXT_FIELD[s], "a\x00b")), ("NUL", TEXT_FIELD[s][-1]))
        for s in JSON_SOURCES
    ),
    *(
        (f"{s}-surrogate", s, _with(s, _set(*TEXT_FIELD[s], "\ud800")), ("surrogate",))
        for s in JSON_SOURCES
    ),
    (
        "opsgenie-createdAt-1e30",
        "opsgenie",
        _with("opsgenie", _set("alert", "createdAt", 10**30)),
        ("alert.createdAt", "2000-2199"),
    ),
    (
        "slack-ts-past-9999",
        "slack",
        _with("slack", _set("event", "ts", "999999999999.000001")),
        ("event.ts", "2000-2199"),
    ),
    (
        "slack-deep-nesting",
        "slack",
        _with("slack", _set("event", "@@"), "[" * 100_000 + "]" * 100_000),
        ("nested too deeply",),
    ),
    (
        "slack-deep-url-verification",
        "slack",
        b'{"type": "url_verification", "challenge": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        ("nested too deeply",),
    ),
    (
        "grafana-time-past-the-calendar",
        "grafana",
        _with("grafana", _set("alerts", 0, "startsAt", "9999-12-31T23:59:59-01:00")),
        ("alerts[0].startsAt",),
    ),
    (
        "generic-malformed-csv-header",
        "generic",
        b"time," + b"x" * 200_000 + b"\n2026-03-14T14:00:00Z,hello\n",
        ("malformed CSV", "field limit"),
    ),
    ("generic-nul", "generic", b"time,text\n2026-03-14T14:00:00Z,a\x00b\n", ("NUL", "line 2")),
    (
        "generic-surrogate",
        "generic",
        b"time,text\n2026-03-14T14:00:00Z,a\xed\xa0\x80b\n",
        ("not UTF-8",),
    ),
]


@pytest.mark.parametrize(
    ("source", "body", "words"), [c[1:] for c in EXPLICIT], ids=[c[0] for c in EXPLICIT]
)
def test_the_deliveries_that_once_answered_500_are_4xx_problems(
    hooks: TestClient,
    server_engine: sa.Engine,
    backend: str,
    pinned: dict[str, str],
    source: str,
    body: bytes,
    words: tuple[str, ...],
) -> None:
    response = _deliver(hooks, server_engine, backend, source, body, incident=pinned[source])
    assert_problem(response, 422, *words)


def test_hostile_headers_and_pins_are_4xx(
    hooks: TestClient, server_engine: sa.Engine, backend: str, pinned: dict[str, str]
) -> None:
    body = sample("slack")
    stamp = "9" * 400  # int() takes it; the float arithmetic of the window did not
    headers = {**Signer("slack").headers(body), "X-Slack-Request-Timestamp": stamp}
    refused = _deliver(hooks, server_engine, backend, "slack", body, incident=None, headers=headers)
    assert_problem(refused, 401, "Unix seconds")
    for pin in ("a%00b", "%0a", "x" * 121):
        response = _deliver(hooks, server_engine, backend, "alertmanager", body, incident=pin)
        assert_problem(response, 422, "incident")


@pytest.mark.parametrize("source", SOURCES)
def test_mutated_signed_deliveries_never_get_a_5xx(
    hooks: TestClient,
    server_engine: sa.Engine,
    backend: str,
    pinned: dict[str, str],
    source: str,
) -> None:
    answered: list[int] = []

    @given(body=delivery(source), pin=st.booleans())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(body: bytes, pin: bool) -> None:
        incident = pinned[source] if pin else None
        response = _deliver(hooks, server_engine, backend, source, body, incident=incident)
        answered.append(response.status_code)

    run()
    assert len(answered) >= EXAMPLES
    assert any(code >= 400 for code in answered)  # the mutations do reach the refusals


def test_a_poison_delivery_among_concurrent_ones_fails_alone(
    hooks: TestClient, server_engine: sa.Engine, backend: str
) -> None:
    """Deliveries arriving together are stored in one group commit; the hostile ones among
    them are refused with a 4xx and every other one is stored."""
    service = f"poison-{uuid.uuid4().hex[:6]}"

    def alert(n: int, summary: str) -> bytes:
        body = json.loads(sample("alertmanager"))
        body["groupKey"] = f"{service}-{n}"
        alert = body["alerts"][0]
        alert["fingerprint"] = f"{service}-{n}"
        alert["labels"]["service"] = service
        alert["annotations"]["summary"] = summary
        body["alerts"] = [alert]
        return json.dumps(body).replace('"@@"', LONG_INT).encode()

    bodies = [alert(n, f"pod {n} 5xx ratio is 12%") for n in range(12)]
    poison = [alert(100, "a\x00b"), alert(101, "\udc00"), alert(102, "@@")]
    mixed = bodies[:4] + poison[:1] + bodies[4:8] + poison[1:] + bodies[8:]
    answers: dict[bytes, Any] = {}

    def send(body: bytes) -> None:
        answers[body] = hooks.post(
            "/hooks/alertmanager", content=body, headers=Signer("alertmanager").headers(body)
        )

    threads = [threading.Thread(target=send, args=(body,)) for body in mixed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for body in poison:
        TALLY[backend, "alertmanager", str(answers[body].status_code)] += 1
        assert_problem(answers[body], 422)
    for body in bodies:
        TALLY[backend, "alertmanager", str(answers[body].status_code)] += 1
        assert answers[body].status_code == 200, answers[body].text
        assert answers[body].json()["added"] == 1
    with server_engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT count(*) FROM events WHERE key LIKE :k"), {"k": f"%{service}%"}
        ).scalar_one()
    assert stored == len(bodies)
