"""The schema. Alembic migrations create exactly these tables (a test compares them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator

from hindsight.core.events import FIELD_LIMITS, KEY_LIMIT

UTC = dt.UTC

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """An aware UTC instant to the microsecond on both backends.

    PostgreSQL keeps `timestamptz`; SQLite has no zones, so it stores naive UTC and the zone is
    put back on the way out. A naive value on the way in is a bug, not a guess.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware UTC instants only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# A 64-bit id on PostgreSQL; on SQLite only INTEGER PRIMARY KEY is the rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")

MILESTONES = (
    "cause_at",
    "detected_at",
    "paged_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
)
DURATIONS = (
    "detection_gap_s",
    "time_to_acknowledge_s",
    "time_to_mitigate_s",
    "time_to_resolve_s",
    "impact_s",
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("slug", String(120), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("severity", String(16), nullable=True),
    Column("status", String(16), nullable=False),
    Column("services", JSON, nullable=False),
    Column("customer_visible", Boolean, nullable=False),
    *(Column(name, UTCDateTime, nullable=True) for name in MILESTONES),
    Column("cause_candidate", Text, nullable=True),
    *(Column(name, Float, nullable=True) for name in DURATIONS),
    Column("created_at", UTCDateTime, nullable=False, index=True),
    Column("updated_at", UTCDateTime, nullable=False),
    # The incident domain's facts kept where SQL can filter on them (core.incident decides
    # them; the repository writes them whenever what they depend on changes).
    Column("opened_at", UTCDateTime, nullable=True, index=True),  # its first evidence
    Column("policy_decision", String(20), nullable=False, server_default="not_required"),
    Column("policy_trigger", String(60), nullable=False, server_default=""),
    Column("policy_why", Text, nullable=False, server_default=""),
    # What the list's word search reads: title, slug, services and the head of the
    # postmortem, lower-cased and bounded, so a search scans one short column per incident.
    Column("search_text", Text, nullable=False, server_default=""),
    # What the trigger table's rules read from the evidence (core.policy): the alarm that
    # opened the incident (the flaky-monitor rule counts incidents per identity), the alert
    # names that fired, whether automation mitigated it; and the action a fix_the_monitor
    # decision proposes. The incident's own Slack channel, for the publish announcement.
    Column("alert_identity", String(500), nullable=True, index=True),
    Column("alert_names", JSON, nullable=False, server_default="[]"),
    Column("alert_labels", JSON, nullable=False, server_default="[]"),  # "key=value"
    Column("automated_mitigation", Boolean, nullable=False, server_default=false()),
    Column("policy_proposal", JSON, nullable=True),
    Column("slack_channel", String(200), nullable=True),
)

# Each service an incident names, one row each: the list's service filter and its menu of
# services are index seeks, not a scan of every incident's JSON (kept by the repository).
incident_services = Table(
    "incident_services",
    metadata,
    Column("service", String(200), primary_key=True),
    Column(
        "incident_id",
        Integer,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

# Correlation keys (an Alertmanager groupKey, a PagerDuty incident id): one incident each.
incident_keys = Table(
    "incident_keys",
    metadata,
    Column("key", String(KEY_LIMIT), primary_key=True),
    Column(
        "incident_id",
        Integer,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
)

# Every payload as it arrived, once: the evidence behind the events' `raw` pointers.
payloads = Table(
    "payloads",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("digest", String(64), nullable=False, unique=True),
    Column("source", String(40), nullable=False),
    Column("name", String(500), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column(
        "incident_id",
        Integer,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("received_at", UTCDateTime, nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("incident_id", Integer, ForeignKey("incidents.id", ondelete="CASCADE"), nullable=False),
    Column("payload_id", BigId, ForeignKey("payloads.id", ondelete="SET NULL"), nullable=True),
    Column("key", String(FIELD_LIMITS["key"]), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("source", String(FIELD_LIMITS["source"]), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False),
    Column("actor", String(FIELD_LIMITS["actor"]), nullable=True),
    Column("actor_is_bot", Boolean, nullable=False),
    Column("services", JSON, nullable=False),
    Column("link", Text, nullable=True),
    Column("raw", Text, nullable=True),
    Column("refs", JSON, nullable=False),
    Column("subject", String(FIELD_LIMITS["subject"]), nullable=True),
    Column("fact", String(FIELD_LIMITS["fact"]), nullable=True),
    Column("fidelity", Integer, nullable=False),
    UniqueConstraint("incident_id", "key"),
    Index(None, "incident_id", "at"),
    # The first and last event of each kind and source, found by a seek instead of a scan:
    # what the milestones of a storm need (event_repository.milestone_candidates).
    Index(None, "incident_id", "kind", "source", "at", "id"),
    Index(None, "payload_id"),
)

postmortems = Table(
    "postmortems",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "incident_id",
        Integer,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("version", Integer, nullable=False),
    Column("markdown", Text, nullable=False),
    Column("title", String(300), nullable=True),
    Column("status", String(32), nullable=True),
    Column("state", String(16), nullable=True),  # core.incident.PostmortemState of Status
    Column("severity", String(32), nullable=True),
    Column("incident_date", String(32), nullable=True),
    Column("fields", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("updated_by", String(200), nullable=False),
    # The workflow (services.workflow): the version that entered review, and the approvals
    # given since ([{"by", "version", "at"}]).
    Column("review_version", Integer, nullable=True),
    Column("approvals", JSON, nullable=False, server_default="[]"),
)

# Append-only: the store has no code that updates or deletes a revision.
postmortem_revisions = Table(
    "postmortem_revisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "postmortem_id",
        Integer,
        ForeignKey("postmortems.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("version", Integer, nullable=False),
    Column("author", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("markdown", Text, nullable=False),
    Column("diff", Text, nullable=False),
    Column("changes", JSON, nullable=False),
    UniqueConstraint("postmortem_id", "version"),
)

action_items = Table(
    "action_items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "postmortem_id",
        Integer,
        ForeignKey("postmortems.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "incident_id",
        Integer,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("position", Integer, nullable=False),
    Column("action", Text, nullable=False),
    Column("owner", String(200), nullable=True),
    Column("type", String(40), nullable=True),
    Column("due", String(40), nullable=True),
    Column("tracking", Text, nullable=True),
    # The record's own state (migration 0006): status lives here, not in the document.
    Column("priority", String(40), nullable=True),
    Column("status", String(16), nullable=False),
    Column("status_reason", Text, nullable=True),
    Column("tracker_provider", String(16), nullable=True),
    Column("tracker_key", String(300), nullable=True),
    Column("tracker_url", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    UniqueConstraint("postmortem_id", "position"),
    Index(None, "tracker_provider", "tracker_key"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    # No foreign key: the log outlives what it talks about (a deleted incident stays audited).
    Column("incident_id", Integer, nullable=True, index=True),
    Column("detail", JSON, nullable=False),
)

# API tokens: only a SHA-256 of each token is kept. Not part of backups (credentials stay put).
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

# Web UI sign-ins: the SHA-256 of a random session id (the cookie), the token it was made
# from, when it ends. Not backed up: a restored store signs everyone in again.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("digest", String(64), primary_key=True),
    Column("token_id", Integer, ForeignKey("api_tokens.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Index(None, "token_id"),
)

# The change log: every change (a deployment, a push, a release, a change event), kept once
# per (source, external id) whether or not an incident exists yet (services/changes.py).
changes = Table(
    "changes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("source", String(40), nullable=False),
    Column("external_id", String(400), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("summary", Text, nullable=False),
    Column("services", JSON, nullable=False),
    Column("environment", String(200), nullable=True),
    Column("production", Boolean, nullable=False),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("author", String(200), nullable=True),
    Column("link", Text, nullable=True),
    Column("labels", JSON, nullable=False),
    Column("event", JSON, nullable=True),  # the source's event it came as, when it did
    Column("recorded_at", UTCDateTime, nullable=False),
    UniqueConstraint("source", "external_id"),
)

# One row per (service, time, change): the lookback when an incident opens is one range seek
# per service on the primary key.
change_services = Table(
    "change_services",
    metadata,
    Column("service", String(200), primary_key=True),
    Column("at", UTCDateTime, primary_key=True),
    Column("change_id", BigId, ForeignKey("changes.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "change_id"),
)

# Which incidents each change joined (as an event on their cause lane).
change_incidents = Table(
    "change_incidents",
    metadata,
    Column("change_id", BigId, ForeignKey("changes.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "incident_id",
        Integer,
        ForeignKey("incidents.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
    Column("joined_at", UTCDateTime, nullable=False),
)

# The service catalog: one row per service, the entry as the core validated it, and every
# lookup key a tool's name is matched on (core.catalog.names).
catalog_services = Table(
    "catalog_services",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("origin", String(1000), nullable=False),
    Column("entry", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

catalog_names = Table(
    "catalog_names",
    metadata,
    Column("key", String(400), primary_key=True),
    Column(
        "service",
        String(200),
        ForeignKey("catalog_services.name", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("rank", Integer, nullable=False),
    Column("field", String(100), nullable=False),
)

# Outgoing webhook and Slack deliveries (services.publishing): one row per (event, target),
# unique by its idempotency key, with its attempts; an operational log, not backed up.
outgoing_deliveries = Table(
    "outgoing_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("event", String(60), nullable=False),
    Column("target", Text, nullable=False),
    Column("incident_id", Integer, nullable=True, index=True),
    Column("body", JSON, nullable=False),
    Column("state", String(16), nullable=False),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# What a chat tool's ids are called (a Slack user or channel id → its name), learned from
# exports and live events (services/chat_names.py); shown in place of the ids at read time.
chat_names = Table(
    "chat_names",
    metadata,
    Column("source", String(40), primary_key=True),
    Column("ident", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(200), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# Dump order for backups (parents before children).
TABLES: tuple[Table, ...] = (
    incidents,
    incident_services,
    incident_keys,
    payloads,
    events,
    postmortems,
    postmortem_revisions,
    action_items,
    audit_log,
    changes,
    change_services,
    change_incidents,
    catalog_services,
    catalog_names,
    chat_names,
)
