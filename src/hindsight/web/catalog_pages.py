"""The change log and the service catalog pages: `/changes` (recent changes, the incidents
they joined, the services no catalog entry declares) and `/services` (the catalog, and the
names in use that it does not know)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from hindsight.services.catalog import catalog_view
from hindsight.services.changes import list_changes
from hindsight.web.context import viewer, web
from hindsight.web.routing import make_router

PAGE_SIZE = 50


def _page(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 100_000 else 1


def routes() -> APIRouter:
    router = make_router()

    @router.get("/changes")
    def changes(request: Request, service: str = "", page: str = "1") -> Response:
        viewer(request)
        ctx = web(request)
        number = _page(page)
        service = " ".join(service.split())[:200]
        found = list_changes(
            ctx.uow(),
            service=service or None,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
        unmatched = catalog_view(ctx.uow()).unmatched_changes
        pages = max(1, -(-found.total // PAGE_SIZE))

        def link(to: int) -> str:
            return "/changes?" + urlencode(
                {"service": service, "page": to} if service else {"page": to}
            )

        return ctx.render(
            request,
            "changes.html",
            {
                "found": found,
                "service": service,
                "page": number,
                "pages": pages,
                "link": link,
                "unmatched": unmatched,
            },
        )

    @router.get("/services")
    def services(request: Request) -> Response:
        viewer(request)
        ctx = web(request)
        return ctx.render(request, "services.html", {"view": catalog_view(ctx.uow())})

    return router
