"""The runtime runs on the same per-backend databases as the store tests."""

from tests.store.conftest import backend, connection, engine, fresh_url, new_database, uow

__all__ = ["backend", "connection", "engine", "fresh_url", "new_database", "uow"]
