"""The built-in sample incident, loaded at start when HINDSIGHT_LOAD_SAMPLE=1 (`make run`).

Idempotent: every payload is ingested by digest and the postmortem is started only once, so
restarting the server changes nothing.
"""

from __future__ import annotations

import contextlib

from hindsight.samples import sample_evidence, sample_postmortem
from hindsight.services import UnitOfWork
from hindsight.services.errors import ConflictError
from hindsight.services.ingest import ingest
from hindsight.services.postmortems import start_postmortem


def load_sample(uow: UnitOfWork) -> str:
    """Ingest the sample evidence and its postmortem; returns the incident's slug."""
    evidence = sample_evidence()
    first = next(item for item in evidence if item[0] == "alertmanager")
    opened = ingest(uow, first[0], first[2], name=first[1], actor="sample")
    # Its written postmortem before the evidence that resolves it, so nothing is auto-drafted.
    with contextlib.suppress(ConflictError):  # loaded before
        start_postmortem(uow, opened.incident.id, author="sample", markdown=sample_postmortem())
    for source, name, data in evidence:
        ingest(uow, source, data, name=name, incident=opened.incident.id, actor="sample")
    return opened.incident.slug
