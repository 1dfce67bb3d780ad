"""The change log (changes, their (service, time) index, the incidents they joined) and the
service catalog (services and the lookup keys of their names).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hindsight.store.tables import BigId, UTCDateTime

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "changes",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("external_id", sa.String(400), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("services", sa.JSON, nullable=False),
        sa.Column("environment", sa.String(200), nullable=True),
        sa.Column("production", sa.Boolean, nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("author", sa.String(200), nullable=True),
        sa.Column("link", sa.Text, nullable=True),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("event", sa.JSON, nullable=True),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_changes"),
        sa.UniqueConstraint("source", "external_id", name="uq_changes_source_external_id"),
    )
    op.create_index("ix_changes_at", "changes", ["at"])
    op.create_table(
        "change_services",
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("change_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name="fk_change_services_change_id_changes",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service", "at", "change_id", name="pk_change_services"),
    )
    op.create_index("ix_change_services_change_id", "change_services", ["change_id"])
    op.create_table(
        "change_incidents",
        sa.Column("change_id", BigId, nullable=False),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.Column("joined_at", UTCDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["changes.id"],
            name="fk_change_incidents_change_id_changes",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_change_incidents_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("change_id", "incident_id", name="pk_change_incidents"),
    )
    op.create_index("ix_change_incidents_incident_id", "change_incidents", ["incident_id"])
    op.create_table(
        "catalog_services",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("origin", sa.String(1000), nullable=False),
        sa.Column("entry", sa.JSON, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_catalog_services"),
    )
    op.create_table(
        "catalog_names",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("rank", sa.Integer, nullable=False),
        sa.Column("field", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["service"],
            ["catalog_services.name"],
            name="fk_catalog_names_service_catalog_services",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name="pk_catalog_names"),
    )
    op.create_index("ix_catalog_names_service", "catalog_names", ["service"])


def downgrade() -> None:
    op.drop_table("catalog_names")
    op.drop_table("catalog_services")
    op.drop_table("change_incidents")
    op.drop_table("change_services")
    op.drop_table("changes")
