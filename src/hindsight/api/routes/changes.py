"""/api/v1/changes: the change log. `POST` records a change (201 when new, 200 when it was
stored already: an external id makes a re-delivery a no-op); `GET` pages through it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import Field

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_context, get_uow
from hindsight.api.problems import PROBLEM_SCHEMA
from hindsight.api.schemas import Strict
from hindsight.core.changes import CHANGE_KINDS, ChangeKind, change_to_dict, check_change
from hindsight.services import UnitOfWork
from hindsight.services.auth import Role
from hindsight.services.changes import ListedChange, RecordedChange, list_changes, record_change

router = APIRouter(prefix="/api/v1", tags=["changes"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]


class ChangeIn(Strict):
    summary: str = Field(min_length=1, max_length=2000)
    services: list[str] = Field(min_length=1, max_length=50)
    environment: str | None = Field(default=None, max_length=200)
    time: dt.datetime = Field(description="When the change happened (RFC 3339 with a zone).")
    author: str | None = Field(default=None, max_length=200)
    link: str | None = Field(default=None, max_length=2000)
    labels: dict[str, str] = Field(default_factory=dict, max_length=50)
    external_id: str | None = Field(
        default=None,
        max_length=400,
        description="The sender's id of the change: the same id again is stored once.",
    )
    kind: str = Field(
        default=ChangeKind.DEPLOY.value,
        json_schema_extra={"enum": list(CHANGE_KINDS)},
        description="deploy (default), push, release or change.",
    )


def _out(listed: RecordedChange | ListedChange) -> dict[str, Any]:
    stored = listed.stored
    incidents = listed.joined if isinstance(listed, RecordedChange) else listed.incidents
    return {
        "id": stored.id,
        **change_to_dict(stored.change),
        "recorded_at": stored.recorded_at,
        "incidents": list(incidents),
        "unmatched": list(listed.unmatched),
    }


@router.post(
    "/changes",
    status_code=201,
    summary="Record a change (201 new, 200 already stored)",
    responses={200: {"description": "The change was stored already; nothing changed."}},
)
def record_route(
    body: ChangeIn, request: Request, response: Response, uow: Uow, who: Editor
) -> Any:
    change = check_change(
        source="api",
        summary=body.summary,
        services=body.services,
        at=body.time,
        kind=body.kind,
        environment=body.environment,
        author=body.author or who.name,
        link=body.link,
        labels=body.labels,
        external_id=body.external_id,
    )
    lookback = get_context(request).settings.change_lookback
    recorded = record_change(uow, change, actor=who.name, lookback=lookback)
    if not recorded.new:
        response.status_code = 200
    return _out(recorded)


@router.get("/changes", summary="The change log, newest first")
def list_route(
    uow: Uow,
    _: Viewer,
    service: Annotated[str | None, Query(max_length=200)] = None,
    since: dt.datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    page = list_changes(uow, service=service, since=since, limit=limit, offset=offset)
    more = offset + len(page.items) < page.total
    return {
        "items": [_out(c) for c in page.items],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
        "total": page.total,
    }
