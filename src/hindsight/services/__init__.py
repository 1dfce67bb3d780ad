"""The use cases, each one transaction on a `UnitOfWork`: the CLI, the API and the web UI call
these and nothing below them.

    incidents.py    create / get / list / update / delete an incident; the stored timeline
    postmortems.py  start from the template, read, update with optimistic concurrency, history
    ingest.py       payloads in: idempotent, correlated to an incident, all or nothing
    timelines.py    the stored timeline; what the evidence says (milestones, status, opened)
    evidence.py     evidence files in: payloads read, their tool detected, their events
    webhooks.py     which sources take deliveries; a delivery's credentials checked
    drafting.py     a draft from the store or from files, with the one Prometheus fetch
    action_items.py / tracker_sync.py / tracker_events.py / reminders.py  follow-ups
    backup.py       the whole store to a portable JSON Lines archive and back
    exporting.py    one incident as Markdown or JSON
    importing.py    existing postmortems in: an incident per document, idempotent
    analytics.py    the store as incident records for the cross-incident analysis
    linting.py      lint with the team's config, for the CLI, the API and the web alike
    incident_page.py  what the incident page shows, read in one snapshot
    sample.py       the built-in sample incident, loaded idempotently

`Engine` is the store's handle as the shells hold it (they never import SQLAlchemy); `ping`
checks it; `StoreUnavailable` says it cannot be reached.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hindsight.store.engine import Engine, StoreUnavailable, backend, open_store, ping
    from hindsight.store.records import (
        ApiToken,
        AuditEntry,
        Durations,
        Incident,
        Milestones,
        Postmortem,
        Revision,
        StoredActionItem,
    )
    from hindsight.store.unit_of_work import UnitOfWork, utc_now

# The store's names, loaded on first use: `hindsight lint` imports `services.linting` and must
# not pay for SQLAlchemy (PEP 562 module attributes).
_LAZY = {
    "Engine": "hindsight.store.engine",
    "StoreUnavailable": "hindsight.store.engine",
    "backend": "hindsight.store.engine",
    "open_store": "hindsight.store.engine",
    "ping": "hindsight.store.engine",
    "ApiToken": "hindsight.store.records",
    "AuditEntry": "hindsight.store.records",
    "Durations": "hindsight.store.records",
    "Incident": "hindsight.store.records",
    "Milestones": "hindsight.store.records",
    "Postmortem": "hindsight.store.records",
    "Revision": "hindsight.store.records",
    "StoredActionItem": "hindsight.store.records",
    "UnitOfWork": "hindsight.store.unit_of_work",
    "utc_now": "hindsight.store.unit_of_work",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'hindsight.services' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ApiToken",
    "AuditEntry",
    "Durations",
    "Engine",
    "Incident",
    "Milestones",
    "Postmortem",
    "Revision",
    "StoreUnavailable",
    "StoredActionItem",
    "UnitOfWork",
    "backend",
    "open_store",
    "ping",
    "utc_now",
]
