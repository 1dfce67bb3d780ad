"""What the analysis reads about one incident: `IncidentRecord`, a plain value.

The analysis never sees Markdown. A folder of postmortems is imported and each result turned
into a record here (`record_from_import`); the store will build the same records from its rows
(including incidents that owed a postmortem and have none, and whether review changed the
draft, which files cannot tell), so both feed `analyze` the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hindsight.core.document.action_items import read_action_items
from hindsight.core.document.readers import read_root_cause
from hindsight.core.document.template import ACTION_TYPES
from hindsight.core.importing.dates import find_date
from hindsight.core.importing.importer import ImportResult

_DONE = re.compile(r"\b(?:done|completed?|closed|fixed|shipped|resolved|merged)\b", re.I)
_OPEN = re.compile(r"\b(?:todo|open|in progress|planned|pending|not started|wip)\b", re.I)
_DETECT = re.compile(
    r"\b(?:alert|alarm|monitor|page|paging|detect|dashboard|metric|probe|check)", re.I
)
_MITIGATE = re.compile(
    r"\b(?:runbook|playbook|rollback|roll back|rate.?limit|load.?shed|failover|circuit|"
    r"capacity|scale|timeout|retry|backoff|isolat|blast radius|feature flag|kill.?switch|backup)",
    re.I,
)
_PROCESS = re.compile(
    r"\b(?:process|policy|review|document|training|checklist|on-?call|rotation|communicat|"
    r"guideline|rules? on|agreement|sla|prioriti)",
    re.I,
)


@dataclass(frozen=True)
class ActionRecord:
    text: str
    type: str  # prevent / detect / mitigate / process
    type_given: bool  # False when read off the wording
    owner: str | None = None
    due: dt.date | None = None
    done: bool | None = None  # None: the document does not say


@dataclass(frozen=True)
class IncidentRecord:
    """One incident as the analysis sees it. Times are minutes; instants are UTC."""

    id: str
    title: str = ""
    date: dt.date | None = None
    severity: str | None = None  # SEV-1 / SEV-2 / SEV-3
    services: tuple[str, ...] = ()  # affected
    contributing_services: tuple[str, ...] = ()  # named as contributing in the document
    root_cause: str | None = None
    factors: tuple[str, ...] = ()
    started_at: dt.datetime | None = None  # the cause, when date and time are known
    start_minute_of_day: int | None = None  # the cause's UTC minute of day, even undated
    detection_minutes: float | None = None  # cause → detection
    ack_minutes: float | None = None  # detection → acknowledgement
    duration_minutes: float | None = None
    actions: tuple[ActionRecord, ...] = ()
    status: str | None = None
    published: dt.date | None = None
    has_postmortem: bool = True
    postmortem_owed: bool | None = None  # from the incident policy; None when unknown
    review_changed: bool | None = None  # None when there is no review history


def action_type(text: str, given: str | None) -> tuple[str, bool]:
    if given:
        word = given.strip().casefold()
        for kind in ACTION_TYPES:
            if kind in word:
                return kind, True
    if _DETECT.search(text):
        return "detect", False
    if _MITIGATE.search(text):
        return "mitigate", False
    if _PROCESS.search(text):
        return "process", False
    return "prevent", False


def _done(*texts: str | None) -> bool | None:
    joined = " ".join(t for t in texts if t)
    if _DONE.search(joined):
        return True
    if _OPEN.search(joined):
        return False
    return None


def stated_done(*texts: str | None) -> bool | None:
    """Whether the document's own words call an item done (True), open (False), or neither."""
    return _done(*texts)


def record_from_import(result: ImportResult, incident_id: str | None = None) -> IncidentRecord:
    document, facts, marks = result.document, result.facts, result.milestones
    cause = read_root_cause(document)
    actions: list[ActionRecord] = []
    for item in read_action_items(document):
        if not item.action.strip() or item.action.strip().casefold() in {"n/a", "none", "-"}:
            continue
        kind, given = action_type(item.action, item.type)
        due = find_date(item.due) if item.due else None
        done = item.done if item.done is not None else _done(item.tracking, item.action)
        actions.append(
            ActionRecord(item.action, kind, given, item.owner, due.value if due else None, done)
        )
    spans = marks.durations
    detection = facts.detection_minutes
    if detection is None:
        detection = _minutes(spans.detection_gap)
    duration = facts.duration_minutes
    if duration is None:
        duration = _minutes(spans.impact_window)  # the importer's impact runs from the cause
    start = marks.cause.row if marks.cause else None
    return IncidentRecord(
        id=incident_id or result.name or (facts.title or "incident"),
        title=facts.title or "",
        date=facts.date,
        severity=facts.severity,
        services=facts.services,
        contributing_services=facts.contributing_services,
        root_cause=cause.statement,
        factors=tuple(f.text for f in cause.factors),
        started_at=start.at if start else None,
        start_minute_of_day=start.minute % 1440 if start and start.minute is not None else None,
        detection_minutes=detection,
        ack_minutes=_minutes(spans.detection_to_ack),
        duration_minutes=duration,
        actions=tuple(actions),
        status=facts.status,
        published=facts.published,
    )


def _minutes(span: dt.timedelta | None) -> float | None:
    return None if span is None else span.total_seconds() / 60
