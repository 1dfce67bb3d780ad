"""The incident domain's facts on the incident row, so the list filters, searches and pages in
SQL: when it opened (its first evidence), the trigger table's decision (decision, rule, why),
and the postmortem's state as the core reads its Status line.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from hindsight.store.migrations.drop import drop_columns
from hindsight.store.tables import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("incidents", sa.Column("opened_at", UTCDateTime, nullable=True))
    op.add_column(
        "incidents",
        sa.Column("policy_decision", sa.String(20), nullable=False, server_default="not_required"),
    )
    op.add_column(
        "incidents", sa.Column("policy_trigger", sa.String(60), nullable=False, server_default="")
    )
    op.add_column("incidents", sa.Column("policy_why", sa.Text, nullable=False, server_default=""))
    op.add_column("incidents", sa.Column("search_text", sa.Text, nullable=False, server_default=""))
    op.create_index("ix_incidents_opened_at", "incidents", ["opened_at"])
    op.create_index("ix_incidents_created_at", "incidents", ["created_at"])
    op.add_column("postmortems", sa.Column("state", sa.String(16), nullable=True))
    op.create_table(
        "incident_services",
        sa.Column("service", sa.String(200), nullable=False),
        sa.Column("incident_id", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name="fk_incident_services_incident_id_incidents",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("service", "incident_id", name="pk_incident_services"),
    )
    op.create_index("ix_incident_services_incident_id", "incident_services", ["incident_id"])
    _backfill()


def _backfill() -> None:
    """Existing rows get what the domain decides for them now."""
    from hindsight.core.incident import IncidentFacts, postmortem_policy, postmortem_state

    bind = op.get_bind()
    first: dict[int, object] = dict(
        bind.execute(sa.text("SELECT incident_id, MIN(at) FROM events GROUP BY incident_id")).all()
    )
    rows = bind.execute(
        sa.text("SELECT id, severity, customer_visible, impact_s, paged_at FROM incidents")
    ).all()
    for row in rows:
        decision = postmortem_policy(
            IncidentFacts(
                severity=row.severity,
                customer_visible=bool(row.customer_visible),
                impact_minutes=row.impact_s / 60 if row.impact_s is not None else None,
                paged=row.paged_at is not None,
            )
        )
        bind.execute(
            sa.text(
                "UPDATE incidents SET opened_at = COALESCE(:opened, created_at), "
                "policy_decision = :d, policy_trigger = :t, policy_why = :w WHERE id = :id"
            ),
            {
                "opened": first.get(row.id),
                "d": decision.decision,
                "t": decision.trigger,
                "w": decision.why,
                "id": row.id,
            },
        )
    from hindsight.store.incident_search import search_text

    markdown: dict[int, str] = dict(
        bind.execute(sa.text("SELECT incident_id, markdown FROM postmortems")).all()
    )
    for row in bind.execute(sa.text("SELECT id, title, slug, services FROM incidents")).all():
        services = json.loads(row.services) if isinstance(row.services, str) else row.services
        for service in dict.fromkeys(str(s)[:200] for s in services or ()):
            bind.execute(
                sa.text("INSERT INTO incident_services (service, incident_id) VALUES (:s, :i)"),
                {"s": service, "i": row.id},
            )
        bind.execute(
            sa.text("UPDATE incidents SET search_text = :s WHERE id = :id"),
            {"s": search_text(row.title, row.slug, services, markdown.get(row.id)), "id": row.id},
        )
    for pid, status in bind.execute(sa.text("SELECT id, status FROM postmortems")).all():
        state = postmortem_state(status)
        bind.execute(
            sa.text("UPDATE postmortems SET state = :s WHERE id = :id"),
            {"s": state.value if state else None, "id": pid},
        )


def downgrade() -> None:
    op.drop_index("ix_incident_services_incident_id", table_name="incident_services")
    op.drop_table("incident_services")
    op.drop_index("ix_incidents_created_at", table_name="incidents")
    op.drop_index("ix_incidents_opened_at", table_name="incidents")
    drop_columns("postmortems", "state")
    drop_columns(
        "incidents", "search_text", "policy_why", "policy_trigger", "policy_decision", "opened_at"
    )
