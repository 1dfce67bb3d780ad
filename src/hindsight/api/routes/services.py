"""/api/v1/services: the service catalog, and the names in use that it does not know."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_uow
from hindsight.api.problems import PROBLEM_SCHEMA
from hindsight.services import UnitOfWork
from hindsight.services.auth import Role
from hindsight.services.catalog import catalog_view

router = APIRouter(prefix="/api/v1", tags=["services"], responses={"default": PROBLEM_SCHEMA})
Uow = Annotated[UnitOfWork, Depends(get_uow)]
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]


@router.get("/services", summary="The service catalog and the unmatched names in use")
def list_route(uow: Uow, _: Viewer) -> dict[str, Any]:
    view = catalog_view(uow)
    return {
        "items": [e.to_dict() for e in view.entries],
        "total": len(view.entries),
        "unmatched": list(view.unmatched),
    }
