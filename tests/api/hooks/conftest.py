"""Webhook tests run on SQLite and PostgreSQL, each on a database of its own (they commit):
the same server fixtures as the API tests."""

from __future__ import annotations

from tests.api.conftest import admin, backend, client, editor, new_database, server_engine, viewer

__all__ = ["admin", "backend", "client", "editor", "new_database", "server_engine", "viewer"]
