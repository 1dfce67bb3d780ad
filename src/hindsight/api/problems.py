"""The one error shape: `application/problem+json` (RFC 9457), for every error the server sends.

    {"type": "urn:hindsight:problem:not-found", "title": "Not Found", "status": 404,
     "detail": "no incident 'x'", "fix": "GET /api/v1/incidents lists them", "instance": "/…"}

`detail` says what is wrong, `fix` what to do about it. Validation problems add `errors`
(one per bad field, with its location); conflicts add `current_version`.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from hindsight.core.errors import InputError, UserError
from hindsight.services.errors import ConflictError, NotFoundError

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        fix: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.fix = fix
        self.code = code or _code(status)
        self.headers = headers or {}
        self.extra = extra or {}


def _code(status: int) -> str:
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "-").replace("'", "")
    except ValueError:
        return "error"


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(problem: Problem, instance: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:hindsight:problem:{problem.code}",
        "title": _title(problem.status),
        "status": problem.status,
        "detail": problem.detail,
    }
    if problem.fix:
        body["fix"] = problem.fix
    body["instance"] = instance
    body.update(problem.extra)
    return body


def problem_response(problem: Problem, instance: str) -> JSONResponse:
    return JSONResponse(
        problem_body(problem, instance),
        status_code=problem.status,
        headers=problem.headers,
        media_type=PROBLEM_JSON,
    )


def from_user_error(error: UserError) -> Problem:
    what = f"{error.where}: {error.what}" if error.where else error.what
    if isinstance(error, NotFoundError):
        return Problem(404, what, fix=error.fix or "check the id or slug")
    if isinstance(error, ConflictError):
        return Problem(
            409,
            what,
            fix=error.fix or "reload, merge and save again",
            extra={"current_version": error.current_version},
        )
    code = "invalid-input" if isinstance(error, InputError) else "unprocessable-content"
    return Problem(422, what, fix=error.fix or "correct the request and send it again", code=code)


def _http(request: Request, error: StarletteHTTPException) -> Problem:
    headers = dict(error.headers or {})
    if error.status_code == 404:
        return Problem(
            404,
            f"nothing at {request.method} {request.url.path}",
            fix="the API is under /api/v1; /docs lists every route",
            headers=headers,
        )
    if error.status_code == 405:
        allowed = ", ".join(_allowed_methods(request)) or "see /docs"
        headers["Allow"] = allowed
        return Problem(
            405,
            f"{request.method} is not allowed on {request.url.path}",
            fix=f"use one of: {allowed}",
            headers=headers,
        )
    detail = error.detail if isinstance(error.detail, str) else _title(error.status_code)
    return Problem(error.status_code, detail, fix="correct the request", headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    found = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in request.app.router.routes):
            found.append(method)
    return found


def _validation(error: RequestValidationError) -> Problem:
    errors = []
    for item in error.errors():
        location = ".".join(str(part) for part in item.get("loc", ()))
        errors.append({"location": location, "message": str(item.get("msg", "invalid"))})
    first = errors[0] if errors else {"location": "request", "message": "invalid"}
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return Problem(
        422,
        f"{first['location']}: {first['message']}{more}",
        fix="correct the named fields; the OpenAPI document at /openapi.json has the schema",
        extra={"errors": errors},
    )


def install_problem_handlers(app: FastAPI) -> None:
    """Every error FastAPI or a route raises becomes a problem document."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Problem)
        return problem_response(error, request.url.path)

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        return problem_response(_http(request, error), request.url.path)

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        return problem_response(_validation(error), request.url.path)

    async def on_user_error(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, UserError)
        return problem_response(from_user_error(error), request.url.path)

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(UserError, on_user_error)


# For the OpenAPI document: every route may answer with this.
PROBLEM_SCHEMA: dict[str, Any] = {
    "description": "A problem (RFC 9457): what is wrong (`detail`) and how to fix it (`fix`).",
    "content": {
        PROBLEM_JSON: {
            "schema": {
                "type": "object",
                "required": ["type", "title", "status", "detail"],
                "properties": {
                    "type": {"type": "string"},
                    "title": {"type": "string"},
                    "status": {"type": "integer"},
                    "detail": {"type": "string"},
                    "fix": {"type": "string"},
                    "instance": {"type": "string"},
                },
            }
        }
    },
}
