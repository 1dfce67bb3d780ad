"""Webhook tests run on SQLite and PostgreSQL, each on a database of its own (they commit):
the same server fixtures as the API tests. The fuzz suite's tally is printed at the end."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import admin, backend, client, editor, new_database, server_engine, viewer
from tests.api.hooks.hostile import summary

__all__ = ["admin", "backend", "client", "editor", "new_database", "server_engine", "viewer"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in summary():
        terminalreporter.write_line(line)
