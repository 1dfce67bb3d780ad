"""The store as `IncidentRecord`s, for the cross-incident analysis (`core.analysis.analyze`).

A stored incident's postmortem is read the way a file is (the importer's fact extraction over
its current Markdown, `record_from_import`), and the store then adds what files cannot say:

- `has_postmortem`: an incident without one is still a record;
- `postmortem_owed`: the trigger table's decision (`core.incident.postmortem_policy`), the
  same fact the incident list filters on;
- `review_changed`: whether the sections of the current version differ from version 1 (a
  review that only moved the Status, or reformatted, changed nothing); None with one version;
- `published`: the day a revision after the first moved Status to Published; the document's
  own date when it arrived published;
- cause → detection and detection → acknowledgement from the incident's stored durations,
  when its evidence produced them (else the document's timeline, as for a file).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from hindsight.core.actions.matching import text_key
from hindsight.core.analysis import IncidentRecord, record_from_import
from hindsight.core.document import parse
from hindsight.core.importing import import_text
from hindsight.store.records import Incident, Postmortem, Revision, StoredActionItem
from hindsight.store.unit_of_work import UnitOfWork

_PAGE = 500


def store_records(uow: UnitOfWork, since: dt.date | None = None) -> list[IncidentRecord]:
    """Every stored incident as a record, oldest first; with `since`, the dated ones before it
    are left out (undated ones stay, for `analyze` to count as skipped)."""
    out: list[IncidentRecord] = []
    with uow:
        offset = 0
        while True:
            page = uow.incidents.recent(limit=_PAGE, offset=offset)
            for incident in page:
                postmortem = uow.postmortems.for_incident(incident.id)
                revisions = uow.postmortems.revisions(postmortem.id) if postmortem else []
                items = uow.action_items.for_postmortem(postmortem.id) if postmortem else []
                out.append(incident_record(incident, postmortem, revisions, items))
            if len(page) < _PAGE:
                break
            offset += _PAGE
    out.reverse()
    return [r for r in out if since is None or r.date is None or r.date >= since]


def incident_record(
    incident: Incident,
    postmortem: Postmortem | None,
    revisions: list[Revision],
    items: Sequence[StoredActionItem] = (),
) -> IncidentRecord:
    owed = postmortem_owed(incident)
    if postmortem is None:
        record = IncidentRecord(
            id=incident.slug,
            title=incident.title,
            date=_incident_day(incident),
            severity=incident.severity,
            services=incident.services,
            has_postmortem=False,
            postmortem_owed=owed,
        )
    else:
        read = record_from_import(import_text(postmortem.markdown), incident.slug)
        record = dataclasses.replace(
            read,
            title=read.title or incident.title,
            date=read.date or _incident_day(incident),
            severity=read.severity or incident.severity,
            services=read.services or incident.services,
            published=published_on(revisions) or read.published,
            postmortem_owed=owed,
            review_changed=review_changed(revisions),
        )
        record = with_stored_status(record, items)
    return _with_stored_times(record, incident)


# The records' status, as the analysis's `done`: `not_doing` is a decision, neither done nor
# open, so it counts as neither (None).
_DONE = {"done": True, "open": False, "not_doing": None}


def with_stored_status(record: IncidentRecord, items: Sequence[StoredActionItem]) -> IncidentRecord:
    """The document's actions with the status their records hold (status lives in the store,
    not in the document), matched by action text."""
    if not items:
        return record
    by_text: dict[str, list[StoredActionItem]] = {}
    for item in items:
        by_text.setdefault(text_key(item.action), []).append(item)
    actions = []
    for action in record.actions:
        same = by_text.get(text_key(action.text))
        if same:
            actions.append(dataclasses.replace(action, done=_DONE.get(same.pop(0).status)))
        else:
            actions.append(action)
    return dataclasses.replace(record, actions=tuple(actions))


def postmortem_owed(incident: Incident) -> bool:
    """The trigger table's decision the store keeps for the incident (core.incident decides
    it; the incident list filters on the same column)."""
    return incident.policy.owed


def review_changed(revisions: list[Revision]) -> bool | None:
    if len(revisions) < 2:
        return None
    return parse(revisions[0].markdown).sections != parse(revisions[-1].markdown).sections


def published_on(revisions: list[Revision]) -> dt.date | None:
    """When a revision after the first moved Status to Published (None if none did)."""
    before = _status(revisions[0]) if revisions else None
    for revision in revisions[1:]:
        now = _status(revision)
        if now == "published" and before != "published":
            return revision.created_at.date()
        before = now
    return None


def _status(revision: Revision) -> str | None:
    value = parse(revision.markdown).field_value("Status")
    return value.strip().casefold() if value else None


def _incident_day(incident: Incident) -> dt.date:
    marks = incident.milestones
    first = marks.cause_at or marks.detected_at or incident.created_at
    return first.date()


def _with_stored_times(record: IncidentRecord, incident: Incident) -> IncidentRecord:
    spans, cause = incident.durations, incident.milestones.cause_at
    return dataclasses.replace(
        record,
        detection_minutes=_minutes(spans.detection_gap_s, record.detection_minutes),
        ack_minutes=_minutes(spans.time_to_acknowledge_s, record.ack_minutes),
        duration_minutes=(
            record.duration_minutes
            if record.duration_minutes is not None
            else _minutes(spans.impact_s, None)
        ),
        started_at=cause or record.started_at,
        start_minute_of_day=(
            cause.hour * 60 + cause.minute if cause is not None else record.start_minute_of_day
        ),
    )


def _minutes(seconds: float | None, otherwise: float | None) -> float | None:
    return seconds / 60 if seconds is not None else otherwise
