"""The process the guide describes: what the trigger table's rules read from the evidence
(the opening alarm's identity, the alert names, an automated mitigation), the action a
fix_the_monitor decision proposes and the incident's Slack channel; the postmortem workflow's
review version and approvals; and the outgoing deliveries' log.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hindsight.store.migrations.drop import drop_columns
from hindsight.store.tables import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("incidents", sa.Column("alert_identity", sa.String(500), nullable=True))
    op.add_column(
        "incidents", sa.Column("alert_names", sa.JSON, nullable=False, server_default="[]")
    )
    op.add_column(
        "incidents", sa.Column("alert_labels", sa.JSON, nullable=False, server_default="[]")
    )
    op.add_column(
        "incidents",
        sa.Column("automated_mitigation", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.add_column("incidents", sa.Column("policy_proposal", sa.JSON, nullable=True))
    op.add_column("incidents", sa.Column("slack_channel", sa.String(200), nullable=True))
    op.create_index("ix_incidents_alert_identity", "incidents", ["alert_identity"])
    op.add_column("postmortems", sa.Column("review_version", sa.Integer, nullable=True))
    op.add_column(
        "postmortems", sa.Column("approvals", sa.JSON, nullable=False, server_default="[]")
    )
    op.create_table(
        "outgoing_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(200), nullable=False, unique=True),
        sa.Column("event", sa.String(60), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("incident_id", sa.Integer, nullable=True),
        sa.Column("body", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_outgoing_deliveries_incident_id", "outgoing_deliveries", ["incident_id"])


def downgrade() -> None:
    op.drop_index("ix_outgoing_deliveries_incident_id", table_name="outgoing_deliveries")
    op.drop_table("outgoing_deliveries")
    drop_columns("postmortems", "approvals", "review_version")
    op.drop_index("ix_incidents_alert_identity", table_name="incidents")
    drop_columns(
        "incidents",
        "slack_channel",
        "policy_proposal",
        "automated_mitigation",
        "alert_labels",
        "alert_names",
        "alert_identity",
    )
