"""/follow-ups: every postmortem's action items in one place — filtered by owner, team (the
services the incident touched: Hindsight has no team catalog, and a service's owners are its
team), type, status and overdue, sorted by due date — and marked done or not doing (with the
reason) by an editor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.core.actions import STATUSES, ActionStatus, parse_status
from hindsight.core.actions.due import due_date, is_overdue
from hindsight.core.document.template import ACTION_TYPES
from hindsight.services import StoredActionItem
from hindsight.services.action_items import ItemFilter, list_action_items, set_status
from hindsight.web.context import viewer, web, writer
from hindsight.web.routing import make_router


@dataclass(frozen=True)
class FollowUpQuery:
    owner: str = ""
    team: str = ""
    type: str = ""
    status: str = ""
    overdue: bool = False
    desc: bool = False

    @classmethod
    def from_params(cls, params: dict[str, str]) -> FollowUpQuery:
        status = params.get("status", "")
        kind = params.get("type", "")
        return cls(
            owner=params.get("owner", "").strip()[:200],
            team=params.get("team", "").strip()[:200],
            type=kind if kind in ACTION_TYPES else "",
            status=status if status in STATUSES else "",
            overdue=params.get("overdue") in ("1", "on", "true"),
            desc=params.get("desc") in ("1", "true"),
        )

    def params(self, **changes: object) -> str:
        values = {
            "owner": self.owner,
            "team": self.team,
            "type": self.type,
            "status": self.status,
            "overdue": "1" if self.overdue else "",
            "desc": "1" if self.desc else "",
        }
        values.update(
            {k: ("1" if v is True else "" if v is False else str(v)) for k, v in changes.items()}
        )
        return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class Row:
    item: StoredActionItem
    overdue: bool
    due: dt.date | None


def routes() -> APIRouter:
    router = make_router()

    @router.get("/follow-ups")
    def follow_ups(request: Request) -> Response:
        viewer(request)
        ctx = web(request)
        query = FollowUpQuery.from_params(dict(request.query_params))
        today = dt.datetime.now(dt.UTC).date()
        items = list_action_items(
            ctx.uow(),
            ItemFilter(
                owner=query.owner or None,
                status=ActionStatus(query.status) if query.status else None,
                type=query.type or None,
                overdue=query.overdue,
                today=today,
                services=(query.team,) if query.team else (),
            ),
        )
        if query.desc:
            dated = [i for i in items if due_date(i.due) is not None]
            items = dated[::-1] + [i for i in items if due_date(i.due) is None]
        rows = [
            Row(i, is_overdue(ActionStatus(i.status), due_date(i.due), today), due_date(i.due))
            for i in items
        ]
        uow = ctx.uow()
        with uow:
            teams = sorted({s for i in uow.incidents.recent(limit=10_000) for s in i.services})
        return ctx.render(
            request,
            "followups.html",
            {
                "rows": rows,
                "query": query,
                "types": ACTION_TYPES,
                "statuses": STATUSES,
                "teams": teams,
            },
        )

    @router.post("/follow-ups/{item_id}/status")
    def mark(
        request: Request,
        item_id: int,
        status: Annotated[str, Form()],
        reason: Annotated[str, Form()] = "",
        back: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        who = writer(request, csrf)
        set_status(
            web(request).uow(),
            item_id,
            parse_status(status),
            reason=reason or None,
            actor=who.name,
        )
        query = back if back and not back.startswith(("/", "\\")) and "://" not in back else ""
        return RedirectResponse(
            f"/follow-ups{'?' + query if query else ''}#item-{item_id}", status_code=303
        )

    return router
