"""Database fixtures: every store test runs on SQLite and on PostgreSQL (tests/dbfixtures.py)."""

from tests.dbfixtures import *  # noqa: F403
