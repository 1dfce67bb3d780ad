"""The first schema: incidents, correlation keys, payloads, events, postmortems, revisions,
action items, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-03-20
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

_BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("severity", sa.String(16), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("customer_visible", sa.Boolean(), nullable=False),
        _when("cause_at", True),
        _when("detected_at", True),
        _when("paged_at", True),
        _when("acknowledged_at", True),
        _when("mitigated_at", True),
        _when("resolved_at", True),
        sa.Column("cause_candidate", sa.Text(), nullable=True),
        sa.Column("detection_gap_s", sa.Float(), nullable=True),
        sa.Column("time_to_acknowledge_s", sa.Float(), nullable=True),
        sa.Column("time_to_mitigate_s", sa.Float(), nullable=True),
        sa.Column("time_to_resolve_s", sa.Float(), nullable=True),
        sa.Column("impact_s", sa.Float(), nullable=True),
        _when("created_at"),
        _when("updated_at"),
        sa.PrimaryKeyConstraint("id", name="pk_incidents"),
        sa.UniqueConstraint("slug", name="uq_incidents_slug"),
    )
    op.create_table(
        "incident_keys",
        sa.Column("key", sa.String(500), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_incident_keys_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name="pk_incident_keys"),
    )
    op.create_index("ix_incident_keys_incident_id", "incident_keys", ["incident_id"])
    op.create_table(
        "payloads",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        _when("received_at"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_payloads_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_payloads"),
        sa.UniqueConstraint("digest", name="uq_payloads_digest"),
    )
    op.create_index("ix_payloads_incident_id", "payloads", ["incident_id"])
    op.create_table(
        "events",
        sa.Column("id", _BIGID, autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("payload_id", _BIGID, nullable=True),
        sa.Column("key", sa.String(500), nullable=False),
        _when("at"),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("actor_is_bot", sa.Boolean(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("refs", sa.JSON(), nullable=False),
        sa.Column("subject", sa.String(500), nullable=True),
        sa.Column("fact", sa.String(500), nullable=True),
        sa.Column("fidelity", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_events_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payload_id"],
            ["payloads.id"],
            name="fk_events_payload_id_payloads",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("incident_id", "key", name="uq_events_incident_id_key"),
    )
    op.create_index("ix_events_incident_id_at", "events", ["incident_id", "at"])
    op.create_index("ix_events_payload_id", "events", ["payload_id"])
    op.create_table(
        "postmortems",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("title", sa.String(300), nullable=True),
        sa.Column("status", sa.String(32), nullable=True),
        sa.Column("severity", sa.String(32), nullable=True),
        sa.Column("incident_date", sa.String(32), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_postmortems_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_postmortems"),
        sa.UniqueConstraint("incident_id", name="uq_postmortems_incident_id"),
    )
    op.create_table(
        "postmortem_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        _when("created_at"),
        sa.Column("markdown", sa.Text(), nullable=False),
        sa.Column("diff", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_postmortem_revisions_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_postmortem_revisions"),
        sa.UniqueConstraint(
            "postmortem_id", "version", name="uq_postmortem_revisions_postmortem_id_version"
        ),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("type", sa.String(40), nullable=True),
        sa.Column("due", sa.String(40), nullable=True),
        sa.Column("tracking", sa.Text(), nullable=True),
        sa.Column("done", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name="fk_action_items_postmortem_id_postmortems",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_action_items_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_action_items"),
        sa.UniqueConstraint(
            "postmortem_id", "position", name="uq_action_items_postmortem_id_position"
        ),
    )
    op.create_index("ix_action_items_incident_id", "action_items", ["incident_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        _when("at"),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_incident_id", "audit_log", ["incident_id"])


def downgrade() -> None:
    for table in (
        "audit_log",
        "action_items",
        "postmortem_revisions",
        "postmortems",
        "events",
        "payloads",
        "incident_keys",
        "incidents",
    ):
        op.drop_table(table)
