"""Names a chat tool gives its ids: a Slack user id (U…) or channel id (C…) and the name people
know it by, learned from exports (users.json, channels.json) and live events (a channel created
or renamed, a member who joined or changed their profile), so a live message stored as
"U01… in #C07…" reads with names wherever it is shown, whichever arrived first.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "chat_names",
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("ident", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source", "ident", name="pk_chat_names"),
    )


def downgrade() -> None:
    op.drop_table("chat_names")
