"""/api/v1/action-items: follow-ups as records — listed with filters, their status moved by
PATCH (done, not_doing with a reason, open again)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_uow
from hindsight.api.problems import PROBLEM_SCHEMA
from hindsight.api.schemas import Strict
from hindsight.core.actions import ActionStatus
from hindsight.core.document.template import ACTION_TYPES
from hindsight.services import UnitOfWork
from hindsight.services.action_items import ItemFilter, list_action_items, set_status, to_dict
from hindsight.services.auth import Role

router = APIRouter(prefix="/api/v1", tags=["action items"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]
Editor = Annotated[Principal, Depends(require(Role.EDITOR))]
Status = Literal["open", "done", "not_doing"]
ItemId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The action item's id")]


class TrackerOut(BaseModel):
    provider: str | None
    key: str | None
    url: str | None


class ActionItemRecordOut(BaseModel):
    id: int
    incident: str
    position: int
    owner: str | None
    action: str
    type: str | None
    due: str | None
    priority: str | None
    tracking: str | None
    tracker: TrackerOut | None
    status: Status
    reason: str | None
    created_at: str | None
    updated_at: str | None
    closed_at: str | None


class StatusIn(Strict):
    status: Status
    reason: str | None = Field(default=None, max_length=2000)


@router.get(
    "/action-items",
    response_model=list[ActionItemRecordOut],
    summary="Action items across postmortems, soonest due first",
)
def list_route(
    uow: Uow,
    _: Viewer,
    incident: Annotated[
        str | None, Query(max_length=120, description="Incident id or slug")
    ] = None,
    owner: Annotated[str | None, Query(max_length=200)] = None,
    status: Status | None = None,
    type: Annotated[str | None, Query(max_length=40, description=", ".join(ACTION_TYPES))] = None,
    service: Annotated[
        str | None, Query(max_length=200, description="Incidents touching this service")
    ] = None,
    overdue: Annotated[bool, Query(description="Open and due before `today`")] = False,
    today: Annotated[dt.date | None, Query(description="YYYY-MM-DD (default: today, UTC)")] = None,
) -> list[dict[str, Any]]:
    filters = ItemFilter(
        incident=incident,
        owner=owner,
        status=ActionStatus(status) if status else None,
        type=type,
        overdue=overdue,
        today=today or dt.datetime.now(dt.UTC).date(),
        services=(service,) if service else (),
    )
    return [to_dict(i) for i in list_action_items(uow, filters)]


@router.patch(
    "/action-items/{item_id}",
    response_model=ActionItemRecordOut,
    summary="Mark an action item done, not doing (with a reason) or open",
)
async def patch_route(
    item_id: ItemId, body: StatusIn, uow: Uow, principal: Editor
) -> dict[str, Any]:
    updated = await run_in_threadpool(
        set_status, uow, item_id, body.status, reason=body.reason, actor=principal.name
    )
    return to_dict(updated)
