"""Webhook tests run on SQLite and PostgreSQL, each on a database of its own (they commit)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from tests.api.server import serve, token
from tests.dbfixtures import backend, migrated_engine, new_database

__all__ = ["backend", "new_database"]


@pytest.fixture(scope="module")
def server_engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    with migrated_engine(backend, Path(tmp_path_factory.mktemp("server"))) as made:
        yield made


@pytest.fixture(scope="module")
def client(server_engine: sa.Engine) -> Iterator[TestClient]:
    with serve(server_engine, auth_failure_limit=1_000_000) as made:
        yield made


@pytest.fixture(scope="module")
def viewer(server_engine: sa.Engine) -> dict[str, str]:
    return token(server_engine, "viewer")


@pytest.fixture(scope="module")
def editor(server_engine: sa.Engine) -> dict[str, str]:
    return token(server_engine, "editor")


@pytest.fixture(scope="module")
def admin(server_engine: sa.Engine) -> dict[str, str]:
    return token(server_engine, "admin")
