"""Database fixtures shared by the store, service, API and webhook tests: every test that
touches the store runs on SQLite and on PostgreSQL.

- `engine`: one migrated database per backend per session (a temporary SQLite file; a
  PostgreSQL schema of its own, so parallel runs never meet), disposed at the end.
- `connection` / `uow`: a per-test transaction, rolled back after the test; each use case
  inside it runs in a SAVEPOINT, exactly as it would run in a transaction of its own.
- `fresh_url`: an empty, unmigrated database of its own for the tests that must really commit
  (concurrency, crash safety, backup and restore), dropped afterwards.
- `migrated_engine(backend, tmp)`: a context manager for a private migrated database (the
  server tests commit for real, so they keep out of the store tests' database).

PostgreSQL is the one `.ci/run` starts (HINDSIGHT_TEST_POSTGRES_URL overrides it).
Import the fixtures into a conftest: `from tests.dbfixtures import *  # noqa: F403`.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from hindsight.store.engine import create_engine
from hindsight.store.migrate import upgrade
from hindsight.store.unit_of_work import UnitOfWork

POSTGRES_URL = os.environ.get(
    "HINDSIGHT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")

__all__ = [
    "BACKENDS",
    "POSTGRES_URL",
    "backend",
    "connection",
    "engine",
    "fresh_url",
    "migrated_engine",
    "new_database",
    "uow",
]


def _schema_url(schema: str) -> str:
    joiner = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{joiner}options=-csearch_path%3D{schema}"


def _admin(statement: str) -> None:
    engine = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)
    except sa.exc.OperationalError as error:  # pragma: no cover - environment problem
        pytest.fail(f"PostgreSQL at {POSTGRES_URL} is not reachable: {error}")
    finally:
        engine.dispose()


@pytest.fixture
def new_database(tmp_path: Path) -> Iterator[object]:
    """A factory of empty databases: `new_database("sqlite")` → URL; dropped at teardown."""
    schemas: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'hs-{uuid.uuid4().hex[:8]}.db'}"
        schema = f"hs_test_{uuid.uuid4().hex[:12]}"
        _admin(f"CREATE SCHEMA {schema}")
        schemas.append(schema)
        return _schema_url(schema)

    yield make
    for schema in schemas:
        _admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextmanager
def migrated_engine(backend: str, folder: Path) -> Iterator[sa.Engine]:
    """A migrated database of its own on `backend`, dropped afterwards."""
    schema = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / f'hs-{uuid.uuid4().hex[:8]}.db'}"
    else:
        schema = f"hs_test_{uuid.uuid4().hex[:12]}"
        _admin(f"CREATE SCHEMA {schema}")
        url = _schema_url(schema)
    engine = create_engine(url)
    try:
        upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        if schema is not None:
            _admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(scope="session")
def engine(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    with migrated_engine(backend, tmp_path_factory.mktemp("store")) as made:
        yield made


@pytest.fixture
def connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            yield connection
        finally:
            transaction.rollback()


@pytest.fixture
def uow(connection: sa.Connection) -> UnitOfWork:
    return UnitOfWork(connection)


@pytest.fixture
def fresh_url(backend: str, new_database: object) -> str:
    """An empty database (no schema yet) on the test's backend, really committed to."""
    assert callable(new_database)
    return str(new_database(backend))
