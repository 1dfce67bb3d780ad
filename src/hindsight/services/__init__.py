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
"""

from hindsight.store.engine import open_store
from hindsight.store.records import (
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
    "AuditEntry",
    "Durations",
    "Incident",
    "Milestones",
    "Postmortem",
    "Revision",
    "StoredActionItem",
    "UnitOfWork",
    "open_store",
]
