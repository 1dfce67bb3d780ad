"""The web's router: every page route turns the use cases' errors into pages of their own
(a sign-in redirect, 403, 404, 400), never into the API's problem+json and never a 500 for a
user's mistake."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.core.errors import UserError
from hindsight.services.errors import NotFoundError
from hindsight.web.context import Forbidden, SignInRequired, web


class WebRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await original(request)
            except SignInRequired:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                if request.method != "GET":
                    target = "/incidents"
                return RedirectResponse(f"/signin?next={quote(target)}", status_code=303)
            except Forbidden as error:
                return error_page(request, 403, "Not allowed", error)
            except NotFoundError as error:
                return error_page(request, 404, "Not found", error)
            except UserError as error:
                return error_page(request, 400, "That did not work", error)

        return handler


def error_page(request: Request, status: int, title: str, error: UserError) -> Response:
    return web(request).render(
        request,
        "error.html",
        {"title": title, "message": error.what, "fix": error.fix, "status": status},
        status=status,
    )


def make_router() -> APIRouter:
    return APIRouter(route_class=WebRoute, include_in_schema=False)
