"""Events indexed by incident, kind, source and time: the first and last event of each kind
and source become index seeks, so the milestones of a million-event storm are found in
milliseconds instead of two window sorts over every event.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

NAME = "ix_events_incident_id_kind_source_at_id"


def upgrade() -> None:
    op.create_index(NAME, "events", ["incident_id", "kind", "source", "at", "id"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="events")
