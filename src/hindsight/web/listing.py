"""The incidents list page: its query string ⇄ the service's filter, and the page's numbers.

Filtering, search, sorting and paging happen in the store (`services.incidents.find_incidents`);
"postmortem owed" is the core's trigger table, the same fact `hindsight analyze` reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from hindsight.core.document.template import SEVERITIES
from hindsight.core.incident import INCIDENT_STATUSES
from hindsight.services import Postmortem, UnitOfWork
from hindsight.services.incidents import (
    SORTS,
    IncidentFilter,
    ListedIncident,
    find_incidents,
    postmortem_category,
)

PAGE_SIZE = 25
CATEGORIES = {
    "owed": "owed",
    "missing": "missing",
    "draft": "draft",
    "in-review": "in review",
    "published": "published",
}


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

    def filter(self) -> IncidentFilter:
        return IncidentFilter(
            q=self.q,
            severity=self.severity if self.severity in SEVERITIES else "",
            status=self.status if self.status in INCIDENT_STATUSES else "",
            service=self.service,
            since=self.since,
            until=self.until,
            postmortem=self.postmortem,
            sort=self.sort,
            desc=self.desc,
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
class Listing:
    rows: tuple[ListedIncident, ...]
    total: int
    query: ListQuery
    services: tuple[str, ...]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def category(postmortem: Postmortem | None) -> str:
    """The incident page's name for its postmortem's state (the list's, from the same fact)."""
    if postmortem is None:
        return postmortem_category(None, False)
    return postmortem_category(postmortem.state, True)


def list_page(uow: UnitOfWork, query: ListQuery) -> Listing:
    found = find_incidents(
        uow,
        query.filter(),
        limit=PAGE_SIZE,
        offset=(query.page - 1) * PAGE_SIZE,
        with_services=True,
    )
    return Listing(found.rows, found.total, query, found.services)
