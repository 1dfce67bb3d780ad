"""Past `delivery_queue_depth` deliveries in progress a server sheds further ones with 503 and
Retry-After (Alertmanager and PagerDuty retry) instead of queueing them without bound; once
the backlog drains it stores them again. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import sqlalchemy as sa

from hindsight.services import UnitOfWork
from tests.api.server import assert_problem, count_rows, serve

TOKEN = "shedding-token"


def _delivery() -> bytes:
    group = uuid.uuid4().hex[:8]
    alert = {
        "status": "firing",
        "labels": {"alertname": "HighErrorRate", "service": f"svc-{group}"},
        "annotations": {"summary": "5xx ratio is 12%"},
        "startsAt": "2026-03-14T13:00:00.000Z",
        "endsAt": "0001-01-01T00:00:00Z",
        "fingerprint": group,
    }
    body: dict[str, Any] = {
        "receiver": "hindsight",
        "status": "firing",
        "alerts": [alert],
        "groupLabels": {"service": f"svc-{group}"},
        "commonLabels": {},
        "externalURL": "http://127.0.0.1:9093",
        "version": "4",
        "groupKey": f'{{}}:{{service="svc-{group}"}}',
    }
    return json.dumps(body).encode()


HEADERS = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}


def test_past_the_queue_depth_deliveries_get_503_with_retry_after(
    server_engine: sa.Engine,
) -> None:
    with serve(server_engine, delivery_queue_depth=1, alertmanager_token=TOKEN) as client:
        context = client.app.state.hindsight  # type: ignore[attr-defined]
        gate, entered = threading.Event(), threading.Event()

        def held() -> UnitOfWork:  # the writer's next transaction waits for the test
            entered.set()
            assert gate.wait(30)
            return UnitOfWork(server_engine)

        context.deliveries._write_uow = held
        answers: list[Any] = []
        first = threading.Thread(
            target=lambda: answers.append(
                client.post("/hooks/alertmanager", content=_delivery(), headers=HEADERS)
            )
        )
        first.start()
        assert entered.wait(30)
        before = count_rows(server_engine)["events"]
        shed = client.post("/hooks/alertmanager", content=_delivery(), headers=HEADERS)
        body = assert_problem(shed, 503, "not stored", "Retry-After")
        assert shed.headers["Retry-After"] == "1" and body["status"] == 503
        gate.set()
        first.join(30)
        assert answers and answers[0].status_code == 200, answers[0].text
        assert count_rows(server_engine)["events"] == before + 1  # the shed one wrote nothing
        again = client.post("/hooks/alertmanager", content=_delivery(), headers=HEADERS)
        assert again.status_code == 200, again.text  # drained: stored again
        metrics = context.metrics.exposition().decode()
        assert 'hindsight_webhook_deliveries_total{outcome="shed",source="alertmanager"} 1.0' in (
            metrics
        )
