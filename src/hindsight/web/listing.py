"""The incidents list: search, filters, sorting and paging over the stored incidents.

The "postmortem owed" policy follows the guide's table: a SEV-1 or SEV-2, or anything
customers saw, gets a postmortem; it is owed until one is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from hindsight.services import Incident, Postmortem, UnitOfWork

PAGE_SIZE = 25
SORTS = ("date", "severity", "title", "gap", "status")
CATEGORIES = {
    "owed": "owed",
    "missing": "missing",
    "draft": "draft",
    "in-review": "in review",
    "published": "published",
}
_SEVERITY_RANK = {"SEV-1": 1, "SEV-2": 2, "SEV-3": 3}


@dataclass(frozen=True)
class ListQuery:
    q: str = ""
    severity: str = ""
    status: str = ""
    service: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    postmortem: str = ""
    sort: str = "date"
    desc: bool = True
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str]) -> ListQuery:
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(params.get(name, ""))
            except ValueError:
                return None

        sort = params.get("sort", "date")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            q=params.get("q", "").strip()[:200],
            severity=params.get("severity", ""),
            status=params.get("status", ""),
            service=params.get("service", "").strip(),
            since=day("since"),
            until=day("until"),
            postmortem=params.get("postmortem", "")
            if params.get("postmortem") in CATEGORIES
            else "",
            sort=sort if sort in SORTS else "date",
            desc=params.get("order", "desc") != "asc",
            page=page,
        )

    def params(self, **changes: Any) -> str:
        """The query string of this query with `changes` applied (for links)."""
        query = replace(self, **changes)
        pairs = {
            "q": query.q,
            "severity": query.severity,
            "status": query.status,
            "service": query.service,
            "since": query.since.isoformat() if query.since else "",
            "until": query.until.isoformat() if query.until else "",
            "postmortem": query.postmortem,
            "sort": query.sort if query.sort != "date" else "",
            "order": "" if query.desc else "asc",
            "page": str(query.page) if query.page > 1 else "",
        }
        return urlencode({k: v for k, v in pairs.items() if v})


@dataclass(frozen=True)
class Row:
    incident: Incident
    postmortem: str  # missing / draft / in review / published
    owed: bool

    @property
    def when(self) -> dt.datetime:
        return self.incident.milestones.detected_at or self.incident.created_at


@dataclass(frozen=True)
class Listing:
    rows: tuple[Row, ...]
    total: int
    query: ListQuery
    services: tuple[str, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def needs_postmortem(incident: Incident) -> bool:
    return incident.severity in ("SEV-1", "SEV-2") or incident.customer_visible


def category(postmortem: Postmortem | None) -> str:
    if postmortem is None:
        return "missing"
    status = (postmortem.status or "").strip().lower()
    if status.startswith("published"):
        return "published"
    if status.startswith("in review") or status == "review":
        return "in review"
    return "draft"


def load_rows(uow: UnitOfWork) -> list[tuple[Row, str]]:
    """Every incident with its postmortem's state and its searchable text."""
    out: list[tuple[Row, str]] = []
    with uow:
        for incident in uow.incidents.recent(limit=1_000_000):
            postmortem = uow.postmortems.for_incident(incident.id)
            state = category(postmortem)
            text = " ".join(
                [incident.title, incident.slug, *incident.services]
                + ([postmortem.markdown] if postmortem else [])
            ).lower()
            out.append(
                (Row(incident, state, needs_postmortem(incident) and state != "published"), text)
            )
    return out


def _matches(row: Row, text: str, query: ListQuery) -> bool:
    incident = row.incident
    if query.q and not all(word in text for word in query.q.lower().split()):
        return False
    if query.severity and incident.severity != query.severity:
        return False
    if query.status and incident.status != query.status:
        return False
    if query.service and query.service not in incident.services:
        return False
    if query.since and row.when.date() < query.since:
        return False
    if query.until and row.when.date() > query.until:
        return False
    if query.postmortem == "owed":
        return row.owed
    return not query.postmortem or row.postmortem == CATEGORIES[query.postmortem]


def _sort_key(row: Row, sort: str) -> tuple[Any, ...]:
    incident = row.incident
    if sort == "severity":
        return (_SEVERITY_RANK.get(incident.severity or "", 9), row.when)
    if sort == "title":
        return (incident.title.lower(), row.when)
    if sort == "gap":
        gap = incident.durations.detection_gap_s
        return (gap is None, gap or 0.0, row.when)
    if sort == "status":
        return (incident.status, row.when)
    return (row.when, incident.id)


def list_page(uow: UnitOfWork, query: ListQuery) -> Listing:
    loaded = load_rows(uow)
    services = tuple(sorted({s for row, _ in loaded for s in row.incident.services}))
    kept = [row for row, text in loaded if _matches(row, text, query)]
    kept.sort(key=lambda r: _sort_key(r, query.sort), reverse=query.desc)
    start = (query.page - 1) * PAGE_SIZE
    return Listing(tuple(kept[start : start + PAGE_SIZE]), len(kept), query, services)
