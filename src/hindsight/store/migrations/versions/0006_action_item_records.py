"""Action items as records: a status (open, done, not_doing with its reason) that lives in
the store instead of a `done` flag read off the document, a priority, the tracker's issue
(provider, key, URL), and when each item was created, changed and closed.

Existing items keep what they had: `done` true becomes `done`, anything else `open`; their
times are their postmortem's last save.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

INDEX = "ix_action_items_tracker_provider_tracker_key"
_SAVED = "(SELECT p.updated_at FROM postmortems p WHERE p.id = action_items.postmortem_id)"


def upgrade() -> None:
    with op.batch_alter_table("action_items") as batch:
        batch.add_column(sa.Column("priority", sa.String(40), nullable=True))
        batch.add_column(sa.Column("status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("status_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("tracker_provider", sa.String(16), nullable=True))
        batch.add_column(sa.Column("tracker_key", sa.String(300), nullable=True))
        batch.add_column(sa.Column("tracker_url", sa.Text(), nullable=True))
        batch.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE action_items SET "
        "status = CASE WHEN done THEN 'done' ELSE 'open' END, "
        f"created_at = {_SAVED}, updated_at = {_SAVED}, "
        f"closed_at = CASE WHEN done THEN {_SAVED} END"
    )
    with op.batch_alter_table("action_items") as batch:
        batch.alter_column("status", existing_type=sa.String(16), nullable=False)
        batch.alter_column("created_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.alter_column("updated_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch.drop_column("done")
        batch.create_index(INDEX, ["tracker_provider", "tracker_key"])


def downgrade() -> None:
    with op.batch_alter_table("action_items") as batch:
        batch.add_column(sa.Column("done", sa.Boolean(), nullable=True))
    op.execute("UPDATE action_items SET done = CASE WHEN status = 'done' THEN true END")
    with op.batch_alter_table("action_items") as batch:
        batch.drop_index(INDEX)
        for name in (
            "priority",
            "status",
            "status_reason",
            "tracker_provider",
            "tracker_key",
            "tracker_url",
            "created_at",
            "updated_at",
            "closed_at",
        ):
            batch.drop_column(name)
