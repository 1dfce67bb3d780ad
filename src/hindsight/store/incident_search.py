"""The incident list as one SQL query: filters, word search, sort and a page, with the total.

Everything the list filters on is a column: the postmortem's state (`postmortems.state`) and
the trigger table's decision (`incidents.policy_decision`) are decided by the core and written
on save, so "owed" here is the same fact as everywhere else — never a second rule in SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    case,
    func,
    or_,
    select,
    true,
)

from hindsight.core.incident import PostmortemState
from hindsight.store import mapping
from hindsight.store.records import Incident
from hindsight.store.tables import incident_services, incidents, postmortems

POSTMORTEM_FILTERS = ("owed", "missing", "draft", "in-review", "published")
SORTS = ("date", "severity", "title", "gap", "status")
OWED_DECISIONS = ("required", "lightweight")


@dataclass(frozen=True)
class IncidentFilter:
    """What a list asks for; empty strings mean "any"."""

    q: str = ""
    severity: str = ""
    status: str = ""
    service: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    postmortem: str = ""  # one of POSTMORTEM_FILTERS, or ""
    sort: str = "date"
    desc: bool = True


@dataclass(frozen=True)
class Found:
    incident: Incident
    state: PostmortemState | None  # None: no postmortem
    has_postmortem: bool


SEARCHED_POSTMORTEM_CHARS = 4000


def search_text(
    title: str, slug: str, services: list[str] | tuple[str, ...], postmortem: str | None
) -> str:
    """The incident's searchable text: what a word search matches against."""
    head = (postmortem or "")[:SEARCHED_POSTMORTEM_CHARS]
    return " ".join([title, slug, *services, head]).lower()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(query: IncidentFilter) -> list[ColumnElement[bool]]:
    state = postmortems.c.state
    clauses: list[ColumnElement[bool]] = []
    for word in query.q.lower().split():
        pattern = f"%{_escape(word)}%"
        clauses.append(incidents.c.search_text.like(pattern, escape="\\"))
    if query.severity:
        clauses.append(incidents.c.severity == query.severity)
    if query.status:
        clauses.append(incidents.c.status == query.status)
    if query.service:
        clauses.append(
            incidents.c.id.in_(
                select(incident_services.c.incident_id).where(
                    incident_services.c.service == query.service
                )
            )
        )
    when = incidents.c.opened_at
    if query.since is not None:
        clauses.append(when >= dt.datetime.combine(query.since, dt.time(), dt.UTC))
    if query.until is not None:
        end = query.until + dt.timedelta(days=1)
        clauses.append(when < dt.datetime.combine(end, dt.time(), dt.UTC))
    published = PostmortemState.PUBLISHED.value
    match query.postmortem:
        case "owed":
            clauses.append(
                and_(
                    incidents.c.policy_decision.in_(OWED_DECISIONS),
                    or_(state.is_(None), state != published),
                )
            )
        case "missing":
            clauses.append(postmortems.c.id.is_(None))
        case "draft":  # a Status the core cannot read counts as a draft
            clauses.append(
                and_(
                    postmortems.c.id.is_not(None),
                    or_(state.is_(None), state == PostmortemState.DRAFT.value),
                )
            )
        case "in-review":
            clauses.append(state == PostmortemState.IN_REVIEW.value)
        case "published":
            clauses.append(state == published)
        case _:
            pass
    return clauses


def _order(query: IncidentFilter) -> list[ColumnElement[object]]:
    def direction(column: ColumnElement[object]) -> ColumnElement[object]:
        return column.desc() if query.desc else column.asc()

    when: ColumnElement[object] = incidents.c.opened_at
    match query.sort:
        case "severity":
            rank = case(
                (incidents.c.severity == "SEV-1", 1),
                (incidents.c.severity == "SEV-2", 2),
                (incidents.c.severity == "SEV-3", 3),
                else_=9,
            )
            keys = [rank, when]
        case "title":
            keys = [func.lower(incidents.c.title), when]
        case "gap":
            missing = case((incidents.c.detection_gap_s.is_(None), 1), else_=0)
            keys = [missing, func.coalesce(incidents.c.detection_gap_s, 0.0), when]
        case "status":
            keys = [incidents.c.status, when]
        case _:
            keys = [when]
    return [*(direction(k) for k in keys), direction(incidents.c.id)]


def _base(
    columns: Select[tuple[object, ...]], query: IncidentFilter, *, join: bool = True
) -> Select[tuple[object, ...]]:
    source = (
        incidents.outerjoin(postmortems, postmortems.c.incident_id == incidents.c.id)
        if join
        else incidents
    )
    joined = columns.select_from(source)
    clauses = _where(query)
    return joined.where(and_(true(), *clauses)) if clauses else joined


# Every incident column but the search text, the postmortem's id and state: built once.
_PAGE_COLUMNS = (
    *(c for c in incidents.c if c.name != "search_text"),
    postmortems.c.id.label("pm_id"),
    postmortems.c.state.label("pm_state"),
)


def page_query(query: IncidentFilter, *, limit: int, offset: int) -> Select[tuple[object, ...]]:
    """The page's rows: every incident column, the postmortem's id and state."""
    columns = select(*_PAGE_COLUMNS)
    return _base(columns, query).order_by(*_order(query)).limit(limit).offset(offset)


def count_query(query: IncidentFilter) -> Select[tuple[object, ...]]:
    # At most one postmortem an incident: the join only matters when a filter reads it.
    return _base(select(func.count()), query, join=bool(query.postmortem))


def search(
    connection: Connection, query: IncidentFilter, *, limit: int, offset: int
) -> tuple[list[Found], int]:
    """One page of the incidents `query` asks for, and how many there are in all."""
    rows = connection.execute(page_query(query, limit=limit, offset=offset)).mappings().all()
    found = [
        Found(
            mapping.incident_from_row(row),
            PostmortemState(row["pm_state"]) if row["pm_state"] else None,
            row["pm_id"] is not None,
        )
        for row in rows
    ]
    if offset == 0 and len(found) < limit:
        total = len(found)  # the page holds them all: no second query
    else:
        counted: object = connection.execute(count_query(query)).scalar_one()
        assert isinstance(counted, int)
        total = counted
    return found, total


def all_services(connection: Connection) -> list[str]:
    """Every service any incident names, sorted (for the list's filter): an index scan."""
    rows = connection.execute(
        select(incident_services.c.service).distinct().order_by(incident_services.c.service)
    )
    return [str(r[0]) for r in rows]


__all__ = [
    "POSTMORTEM_FILTERS",
    "SORTS",
    "Found",
    "IncidentFilter",
    "all_services",
    "count_query",
    "page_query",
    "search",
]
