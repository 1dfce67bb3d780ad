"""Building a server for tests: the app on a private migrated database, a client, tokens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from hindsight.app import create_app
from hindsight.services import UnitOfWork
from hindsight.services.auth import create_token
from hindsight.settings import Settings

PROBLEM = "application/problem+json"


@contextmanager
def serve(
    engine: sa.Engine, clock: Callable[[], float] | None = None, **settings: Any
) -> Iterator[TestClient]:
    """A started app on `engine` (the test owns the database), as a test client."""
    app = create_app(Settings(**settings), engine=engine, clock=clock)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def token(engine: sa.Engine, role: str, name: str | None = None) -> dict[str, str]:
    made, _ = create_token(UnitOfWork(engine), name=name or role, role=role, created_by="tests")
    return {"Authorization": f"Bearer {made}"}


def assert_problem(response: Any, status: int, *words: str) -> dict[str, Any]:
    """The one error shape: problem+json with the status, a detail and a fix."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:hindsight:problem:")
    assert body["title"] and body["detail"] and body.get("fix"), body
    text = (body["detail"] + " " + body["fix"]).lower()
    for word in words:
        assert word.lower() in text, (word, body)
    return body


def count_rows(engine: sa.Engine) -> dict[str, int]:
    from hindsight.store.tables import TABLES

    with engine.connect() as connection:
        return {
            table.name: int(
                connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            )
            for table in TABLES
        }
