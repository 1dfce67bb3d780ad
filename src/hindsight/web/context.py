"""What every page handler needs: the store, the templates, who is asking, and the CSRF token.

`install` puts one `WebContext` on `app.state`; `viewer(request)` resolves the person behind a
request (the principal of its live server-side session, or the local user when
`HINDSIGHT_AUTH=none` on a loopback address) and raises `SignInRequired` / `Forbidden`, which
the web routes turn into a redirect to the sign-in page or a 403 page.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from hindsight.core.errors import UserError
from hindsight.services import UnitOfWork
from hindsight.services.auth import Principal, Role, session_principal
from hindsight.settings import Settings
from hindsight.web import formatting
from hindsight.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Signer,
    new_nonce,
)

UowFactory = Callable[[], UnitOfWork]
TokenCheck = Callable[[UnitOfWork, str], Principal | None]
SessionCheck = Callable[[UnitOfWork, str], Principal | None]
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})


class SignInRequired(Exception):
    """No (valid) session: the browser is sent to the sign-in page."""


class Forbidden(UserError):
    """Signed in, but the role does not allow this (a viewer posting, say)."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page, and what they may do."""

    principal: Principal
    local: bool  # HINDSIGHT_AUTH=none: no sign-in on this loopback server
    csrf: str  # the token pages put in their forms

    @property
    def can_edit(self) -> bool:
        return self.principal.can(Role.EDITOR)

    @property
    def name(self) -> str:
        return self.principal.name


class SignInFailures:
    """Failed sign-ins per client address in a sliding window (HINDSIGHT_AUTH_FAILURE_*)."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        found = self._seen.setdefault(client, deque())
        while found and found[0] <= now - self.window_s:
            found.popleft()
        return found

    def blocked(self, client: str) -> bool:
        with self._lock:
            return len(self._recent(client, time.monotonic())) >= self.limit

    def record(self, client: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._recent(client, now).append(now)


@dataclass(frozen=True)
class WebContext:
    settings: Settings
    uow: UowFactory
    signer: Signer
    authenticate: TokenCheck
    templates: Environment
    failures: SignInFailures = field(default_factory=lambda: SignInFailures(20, 60.0))
    session: SessionCheck = session_principal
    # The incident page is the one heavy read; deliveries share the process's CPU with it.
    renders: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(1)
    )

    @property
    def local(self) -> bool:
        return self.settings.auth == "none"

    def render(
        self, request: Request, name: str, values: Mapping[str, Any], status: int = 200
    ) -> HTMLResponse:
        html = self.templates.get_template(name).render(
            request=request,
            viewer=getattr(request.state, "viewer", None),
            csp_nonce=getattr(request.state, "csp_nonce", ""),  # the server's CSP allows it
            **values,
        )
        response = HTMLResponse(html, status_code=status)
        remember_csrf(request, response)
        return response


def make_templates() -> Environment:
    env = Environment(
        loader=PackageLoader("hindsight.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["instant"] = formatting.instant
    env.filters["clock"] = formatting.clock
    env.filters["seconds"] = formatting.seconds
    env.filters["safe_url"] = formatting.safe_url
    env.globals["now"] = lambda: dt.datetime.now(dt.UTC)
    return env


def web(request: Request) -> WebContext:
    found = getattr(request.app.state, "hindsight_web", None)
    if not isinstance(found, WebContext):
        raise RuntimeError("hindsight.web.install(app, settings) was not called")
    return found


def csrf_nonce(request: Request) -> str:
    """The browser's CSRF nonce (a new one when it has none yet)."""
    nonce = getattr(request.state, "csrf_nonce", None)
    if nonce is None:
        nonce = request.cookies.get(CSRF_COOKIE) or new_nonce()
        request.state.csrf_nonce = nonce
    return str(nonce)


def remember_csrf(request: Request, response: Response) -> None:
    nonce = csrf_nonce(request)
    if request.cookies.get(CSRF_COOKIE) != nonce:
        response.set_cookie(
            CSRF_COOKIE,
            nonce,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
            path="/",
        )


def viewer(request: Request, *, write: bool = False) -> Viewer:
    """The person behind the request; `write=True` also requires an editor."""
    ctx = web(request)
    csrf = ctx.signer.csrf_token(csrf_nonce(request))
    if ctx.local:
        host = request.client.host if request.client else ""
        if host not in LOOPBACK:
            raise Forbidden("local mode (HINDSIGHT_AUTH=none) serves only this machine")
        principal = Principal(ctx.settings.user, Role.ADMIN)
        found = Viewer(principal, True, csrf)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        checked = ctx.session(ctx.uow(), cookie) if cookie else None
        if checked is None:
            raise SignInRequired()
        found = Viewer(checked, False, csrf)
    request.state.viewer = found
    if write and not found.can_edit:
        raise Forbidden(
            f"{found.name} signed in as a {found.principal.role.value}: viewing only",
            fix="sign in with an editor token to change anything",
        )
    return found


def check_csrf(request: Request, token: str | None) -> None:
    """Refuse a POST whose CSRF token is missing, forged or from another browser."""
    ctx = web(request)
    given = token or request.headers.get(CSRF_HEADER)
    if not ctx.signer.csrf_valid(given, request.cookies.get(CSRF_COOKIE)):
        raise Forbidden(
            "this form has expired or did not come from Hindsight (CSRF check failed)",
            fix="reload the page and submit it again",
        )


def writer(request: Request, csrf: str | None) -> Viewer:
    """An editor posting a form from one of our own pages."""
    found = viewer(request, write=True)
    check_csrf(request, csrf)
    return found


__all__ = ["CSRF_FIELD", "Forbidden", "SignInRequired", "Viewer", "WebContext", "viewer"]
