"""The job queue's schema on PostgreSQL: procrastinate's own tables, types, functions and
triggers (`procrastinate_jobs`, `procrastinate_workers`, …), applied as the library ships them
for the version pinned in pyproject.toml. SQLite has no queue table: there the jobs run inside
the server process over the tables they already keep (runtime.jobs.inline).

A procrastinate release that ships a schema migration (its `sql/migrations/`) comes with a
revision of ours that applies it, and the pin moves with it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from __future__ import annotations

import re

from alembic import op
from procrastinate.schema import SchemaManager

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # Straight to the driver without parameters (in the migration's transaction), so the script
    # goes as it is: its RAISE formats use %, which a parameterised execute would read.
    driver = bind.connection.driver_connection
    assert driver is not None
    driver.execute(SchemaManager.get_schema())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = SchemaManager.get_schema()
    for table in re.findall(r"^CREATE TABLE (\w+)", schema, re.M):
        bind.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    for function in dict.fromkeys(re.findall(r"^CREATE FUNCTION (\w+)", schema, re.M)):
        bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    for kind in re.findall(r"^CREATE TYPE (\w+)", schema, re.M):
        bind.exec_driver_sql(f"DROP TYPE IF EXISTS {kind} CASCADE")
