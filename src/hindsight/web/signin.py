"""Signing in with an API token (`hindsight token create`), and out again."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.web.context import check_csrf, csrf_nonce, web
from hindsight.web.routing import make_router
from hindsight.web.security import SESSION_COOKIE, SESSION_MAX_AGE_S, session_value


def _local_target(target: str) -> str:
    """Only a path on this server: never an open redirect to somewhere else."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/incidents"


def routes() -> APIRouter:
    router = make_router()

    @router.get("/signin")
    def form(request: Request, next: str = "/incidents") -> Response:
        ctx = web(request)
        if ctx.local:
            return RedirectResponse(_local_target(next), status_code=303)
        return ctx.render(
            request,
            "signin.html",
            {"next": _local_target(next), "csrf": ctx.signer.csrf_token(csrf_nonce(request))},
        )

    @router.post("/signin")
    def signin(
        request: Request,
        token: Annotated[str, Form()],
        csrf: Annotated[str, Form()] = "",
        next: Annotated[str, Form()] = "/incidents",
    ) -> Response:
        ctx = web(request)
        check_csrf(request, csrf)
        client = request.client.host if request.client else "unknown"
        if ctx.failures.blocked(client):
            return ctx.render(
                request,
                "signin.html",
                {
                    "next": _local_target(next),
                    "csrf": ctx.signer.csrf_token(csrf_nonce(request)),
                    "error": "Too many failed sign-ins from this address: wait a minute.",
                },
                status=429,
            )
        principal = ctx.authenticate(ctx.uow(), token.strip())
        if principal is None:
            ctx.failures.record(client)
            return ctx.render(
                request,
                "signin.html",
                {
                    "next": _local_target(next),
                    "csrf": ctx.signer.csrf_token(csrf_nonce(request)),
                    "error": "That token is unknown or revoked.",
                },
                status=401,
            )
        response = RedirectResponse(_local_target(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_value(ctx.signer, token.strip()),
            max_age=SESSION_MAX_AGE_S,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @router.post("/signout")
    def signout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
        check_csrf(request, csrf)
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
