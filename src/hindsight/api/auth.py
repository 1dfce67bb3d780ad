"""Who is calling, and may they? The dependency every API route declares.

    @router.get("/x")
    def read(principal: Principal = Depends(require(Role.VIEWER))) -> ...

- `HINDSIGHT_AUTH=token` (default): `Authorization: Bearer hs_…`, a token made with
  `hindsight token create --role viewer|editor|admin`. No or unknown token: 401; a role too
  low for the route: 403. A valid token always works; once an address has sent too many bad
  ones, its further bad ones get 429 with Retry-After (`AppContext.api_limiter`).
- `HINDSIGHT_AUTH=none` (a laptop; the server refuses it on a non-loopback address): everyone
  is the local admin.

The web UI reuses this: its session middleware may put a `Principal` in
`request.scope["hindsight.principal"]` (after its own sign-in and CSRF checks); `require`
honours it before looking for a bearer token. Webhook routes do not use this: their source's
signature or shared token authenticates them (`hindsight.api.signatures`).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from hindsight.api.context import client_address, get_context
from hindsight.api.problems import Problem
from hindsight.services.auth import Principal, Role, authenticate

SCOPE_KEY = "hindsight.principal"
LOCAL = Principal("local", Role.ADMIN)

__all__ = ["LOCAL", "SCOPE_KEY", "Principal", "Role", "current_principal", "require"]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return ""
    return value.strip()


def current_principal(request: Request) -> Principal:
    """The caller, or a 401/429 problem."""
    given = request.scope.get(SCOPE_KEY)
    if isinstance(given, Principal):
        return given
    context = get_context(request)
    if context.settings.auth == "none":
        return LOCAL
    token = _bearer(request)
    if token is None:
        raise Problem(
            401,
            "this route needs an API token",
            fix="send `Authorization: Bearer <token>`; `hindsight token create` makes one",
            headers={"WWW-Authenticate": 'Bearer realm="hindsight"'},
        )
    principal = authenticate(context.uow(), token) if token else None
    if principal is None:
        wait = context.api_limiter.refuse(client_address(request))
        if wait is not None:
            raise Problem(
                429,
                "too many failed authentications from this address",
                fix=f"wait {wait} s, or send a valid token (valid tokens are never refused)",
                headers={"Retry-After": str(wait)},
            )
        raise Problem(
            401,
            "the API token is not valid (unknown, revoked or malformed)",
            fix="send `Authorization: Bearer <token>` with a current token",
            headers={"WWW-Authenticate": 'Bearer realm="hindsight", error="invalid_token"'},
        )
    request.scope[SCOPE_KEY] = principal
    return principal


def require(role: Role) -> Callable[[Request], Principal]:
    """A dependency: the caller, if their role is at least `role`; else 401/403."""

    def dependency(request: Request) -> Principal:
        principal = current_principal(request)
        if not principal.can(role):
            raise Problem(
                403,
                f"this needs the {role.value} role; token {principal.name!r} is "
                f"{principal.role.value}",
                fix=f"use a token with the {role.value} role (an admin can create one)",
            )
        return principal

    dependency.__name__ = f"require_{role.value}"
    return dependency
