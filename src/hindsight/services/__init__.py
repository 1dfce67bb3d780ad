"""The use cases, each one transaction on a `UnitOfWork`: the CLI, the API and the web UI call
these and nothing below them.

    incidents.py    create / get / list / update / delete an incident; the stored timeline
    postmortems.py  start from the template, read, update with optimistic concurrency, history
    ingest.py       payloads in: idempotent, correlated to an incident, all or nothing
    bulk_ingest.py  JSON Lines of any size: batches parsed ahead in workers (process_map.py)
    timelines.py    the stored timeline; milestones recomputed from the events
    milestone_refresh.py  the server's coalescing, background milestone refresher
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
from hindsight.store.unit_of_work import UnitOfWork

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
]
