"""Process health: postmortems owed but missing, time to publish, reviews that changed nothing.

Files can only say so much: a folder holds postmortems that exist, and no review history. So
each figure is None when the records carry no data for it (the store fills those in), and the
report says "not known" rather than zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hindsight.core.analysis.records import IncidentRecord
from hindsight.core.analysis.stats import median

STALE_DRAFT_DAYS = 30


@dataclass(frozen=True)
class ProcessHealth:
    owed_missing: tuple[str, ...] | None  # None: no record says whether one was owed
    days_to_publish: tuple[int, ...]
    stale_drafts: tuple[str, ...]  # not published STALE_DRAFT_DAYS after the incident
    unchanged_reviews: tuple[str, ...] | None  # None: no review history

    @property
    def median_days_to_publish(self) -> float | None:
        return median([float(d) for d in self.days_to_publish])


def analyse_process(records: Sequence[IncidentRecord], today: dt.date) -> ProcessHealth:
    owed_known = [r for r in records if r.postmortem_owed is not None]
    owed_missing = (
        tuple(r.id for r in owed_known if r.postmortem_owed and not r.has_postmortem)
        if owed_known
        else None
    )
    days = tuple(
        (r.published - r.date).days
        for r in records
        if r.published is not None and r.date is not None and r.published >= r.date
    )
    stale = tuple(
        r.id
        for r in records
        if r.has_postmortem
        and r.status is not None
        and r.status.strip().casefold() in {"draft", "in review"}
        and r.date is not None
        and (today - r.date).days > STALE_DRAFT_DAYS
    )
    reviewed = [r for r in records if r.review_changed is not None]
    unchanged = tuple(r.id for r in reviewed if not r.review_changed) if reviewed else None
    return ProcessHealth(owed_missing, days, stale, unchanged)
