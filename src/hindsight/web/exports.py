"""Exports of one incident: the postmortem as Markdown, a standalone printable HTML page,
and everything as JSON."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hindsight.services.exporting import export_json, export_markdown
from hindsight.services.incidents import get_incident
from hindsight.web.context import viewer, web
from hindsight.web.markdown import to_html
from hindsight.web.routing import make_router


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


def routes() -> APIRouter:
    router = make_router()

    @router.get("/incidents/{slug}/export.md")
    def markdown(request: Request, slug: str) -> Response:
        viewer(request)
        uow = web(request).uow
        incident = get_incident(uow(), slug)
        return Response(
            export_markdown(uow(), slug),
            media_type="text/markdown; charset=utf-8",
            headers=_attachment(f"{incident.slug}-postmortem.md"),
        )

    @router.get("/incidents/{slug}/export.html")
    def html(request: Request, slug: str) -> Response:
        viewer(request)
        ctx = web(request)
        incident = get_incident(ctx.uow(), slug)
        body = to_html(export_markdown(ctx.uow(), slug))
        return ctx.render(request, "export.html", {"incident": incident, "body": body})

    @router.get("/incidents/{slug}/export.json")
    def json(request: Request, slug: str) -> Response:
        viewer(request)
        uow = web(request).uow
        incident = get_incident(uow(), slug)
        return JSONResponse(export_json(uow(), slug), headers=_attachment(f"{incident.slug}.json"))

    return router
