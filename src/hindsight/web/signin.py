"""Signing in with an API token (`hindsight token create`), and out again.

Signing in starts a server-side session (its random id is the cookie); signing out revokes it
in the store, so a copied cookie stops working too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.services.auth import end_session, start_session
from hindsight.web.context import check_csrf, csrf_nonce, web
from hindsight.web.routing import make_router
from hindsight.web.security import SESSION_COOKIE


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
        principal = ctx.authenticate(ctx.uow(), token.strip())
        if principal is None or principal.token_id is None:
            # A right token always signs in; only further wrong ones wait out the window.
            blocked = ctx.failures.blocked(client)
            ctx.failures.record(client)
            return ctx.render(
                request,
                "signin.html",
                {
                    "next": _local_target(next),
                    "csrf": ctx.signer.csrf_token(csrf_nonce(request)),
                    "error": "Too many failed sign-ins from this address: wait a minute."
                    if blocked
                    else "That token is unknown or revoked.",
                },
                status=429 if blocked else 401,
            )
        lifetime = ctx.settings.session_lifetime_s
        session = start_session(ctx.uow(), principal, lifetime_s=lifetime)
        response = RedirectResponse(_local_target(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session,
            max_age=lifetime,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @router.post("/signout")
    def signout(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
        check_csrf(request, csrf)
        session = request.cookies.get(SESSION_COOKIE)
        if session:
            end_session(web(request).uow(), session)
        response = RedirectResponse("/signin", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return router
