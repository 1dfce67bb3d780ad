"""Operations and reference: /healthz, /readyz, /metrics, /api/v1/rules, permalinks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse

from hindsight.api.auth import Principal, require
from hindsight.api.context import get_context
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.core.checks import all_rules
from hindsight.services import StoreUnavailable, backend, ping
from hindsight.services.auth import Role

router = APIRouter(responses={"default": PROBLEM_SCHEMA})
Viewer = Annotated[Principal, Depends(require(Role.VIEWER))]


@router.get("/healthz", tags=["operations"], summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", tags=["operations"], summary="The database is reachable")
async def readyz(request: Request) -> dict[str, str]:
    engine = get_context(request).engine
    try:
        await run_in_threadpool(ping, engine)
    except StoreUnavailable as error:
        raise Problem(503, error.what, fix=error.fix) from None
    return {"status": "ready", "database": backend(engine)}


@router.get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
def metrics(request: Request) -> Response:
    context = get_context(request)
    if not context.settings.metrics_public:  # HINDSIGHT_METRICS_PUBLIC serves it to anyone
        require(Role.VIEWER)(request)
    body = context.metrics.exposition()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


@router.get("/api/v1/rules", tags=["rules"], summary="Every lint rule with its metadata")
def rules(_: Viewer) -> list[dict[str, Any]]:
    return [
        {
            "code": rule.code,
            "name": rule.name,
            "summary": rule.summary,
            "severity": rule.severity.value,
            "confidence": rule.confidence,
            "family": rule.family(),
        }
        for rule in all_rules()
    ]


def permalink_router() -> APIRouter:
    """/incidents/{slug} until the web UI serves the page: a redirect to the API's JSON."""
    links = APIRouter(responses={"default": PROBLEM_SCHEMA}, tags=["permalinks"])

    @links.get(
        "/incidents/{slug}",
        summary="The incident's stable URL",
        response_class=RedirectResponse,
        status_code=307,
    )
    def incident_page(slug: str) -> RedirectResponse:
        return RedirectResponse(f"/api/v1/incidents/{slug}", status_code=307)

    @links.get(
        "/incidents/{slug}/postmortem",
        summary="The incident's postmortem",
        response_class=RedirectResponse,
        status_code=307,
    )
    def postmortem_page(slug: str) -> RedirectResponse:
        return RedirectResponse(f"/api/v1/incidents/{slug}/postmortem", status_code=307)

    return links
