"""The server's outer layer, as one plain ASGI middleware (cheap on every request):

- bodies over the limit get 413 (API and webhook routes have their own limits), whether the
  client announced the size or streams it;
- a body that stalls longer than `body_timeout_s` between two chunks gets 408 and is closed
  (a slow client cannot hold a worker and its connection open for ever);
- every response carries the security headers (`security_headers`: CSP with this request's
  nonce, frame protection, nosniff, referrer policy, no-store);
- an exception no route handled becomes a 500 problem, logged with its traceback once;
- every request is counted and timed by route template, and logged as one structured line.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import unquote_to_bytes

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hindsight.api.context import AppContext
from hindsight.api.logs import server_logger
from hindsight.api.problems import Problem, problem_response
from hindsight.api.security_headers import add_security_headers, new_nonce


class _TooLarge(Exception):
    pass


class _Stalled(Exception):
    pass


class ServerMiddleware:
    def __init__(self, app: ASGIApp, context: AppContext) -> None:
        self.app = app
        self.context = context
        self.log = server_logger()

    def _limit(self, path: str) -> int:
        settings = self.context.settings
        return (
            settings.hook_max_body_bytes
            if path.startswith("/hooks/")
            else (settings.api_max_body_bytes)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path: str = scope["path"]
        limit = self._limit(path)
        timeout = self.context.settings.body_timeout_s
        state: dict[str, Any] = {
            "status": 500,
            "started": False,
            "too_large": False,
            "stalled": False,
            "path": path,
            "nonce": new_nonce(scope),
        }

        async def too_large() -> None:
            problem = Problem(
                413,
                f"the request body is larger than {limit:,} bytes",
                fix="send a smaller body (split the payload), or raise the server's limit",
                code="content-too-large",
            )
            await problem_response(problem, path)(scope, _empty_receive, _sender(send, state))

        unusable = _unusable_text(scope)
        if unusable is not None:  # no store keeps it: the sender's mistake, never a 500
            problem = Problem(422, unusable, fix="send the request's path and query as text")
            await problem_response(problem, path)(scope, _empty_receive, _sender(send, state))
            self._record(scope, state, started)
            return

        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await too_large()
            self._record(scope, state, started)
            return

        seen = 0
        complete = False

        async def counted_receive() -> Message:
            nonlocal seen, complete
            if complete:  # the body is in: what follows is a wait for the disconnect
                return await receive()
            try:
                with anyio.fail_after(timeout):
                    message = await receive()
            except TimeoutError:
                state["stalled"] = True
                raise _Stalled() from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if seen > limit:
                    state["too_large"] = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            if (state["too_large"] or state["stalled"]) and not state["started"]:
                return  # the 413 / 408 below replaces whatever the app answered
            await _sender(send, state)(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception as error:
            if state["started"]:
                raise
            if not (state["too_large"] or state["stalled"]) and not isinstance(
                error, (_TooLarge, _Stalled)
            ):
                self.log.exception("unhandled error", extra={"path": path})
                problem = Problem(
                    500,
                    "the server failed on this request; it was logged",
                    fix="try again; if it keeps failing, report it with the time of the request",
                    code="internal-error",
                )
                await problem_response(problem, path)(scope, _empty_receive, _sender(send, state))
        if state["too_large"] and not state["started"]:
            await too_large()
        elif state["stalled"] and not state["started"]:
            problem = Problem(
                408,
                f"the request body stalled for more than {timeout:g} s",
                fix="send the whole body without pauses (or raise HINDSIGHT_BODY_TIMEOUT_S)",
                code="request-timeout",
                headers={"Connection": "close"},
            )
            await problem_response(problem, path)(scope, _empty_receive, _sender(send, state))
        self._record(scope, state, started)

    def _record(self, scope: Scope, state: dict[str, Any], started: float) -> None:
        elapsed = time.perf_counter() - started
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        status = int(state["status"])
        metrics = self.context.metrics
        metrics.requests.labels(scope["method"], route, str(status)).inc()
        metrics.request_seconds.labels(route).observe(elapsed)
        if self.log.isEnabledFor(20):
            client = scope.get("client")
            self.log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client": client[0] if client else None,
                },
            )


def _sender(send: Send, state: dict[str, Any]) -> Send:
    async def forward(message: Message) -> None:
        if message["type"] == "http.response.start":
            state["started"] = True
            state["status"] = message["status"]
            headers = add_security_headers(
                list(message.get("headers", ())), state["path"], state["nonce"]
            )
            message = {**message, "headers": headers}
        await send(message)

    return forward


async def _empty_receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _unusable_text(scope: Scope) -> str | None:
    """Why the request's path or a query parameter cannot be used as text (a NUL, a lone
    surrogate, bytes that are not UTF-8), naming the parameter; None if they can."""
    if "\x00" in scope.get("path", ""):
        return "the request's path contains the NUL character (%00)"
    raw: bytes = scope.get("query_string", b"")
    for pair in raw.split(b"&"):
        name, _, value = pair.partition(b"=")
        shown = unquote_to_bytes(name.replace(b"+", b" "))
        data = unquote_to_bytes(value.replace(b"+", b" "))
        label = shown.decode("utf-8", "replace")[:40] or "?"
        if b"\x00" in shown or b"\x00" in data:
            return f"the query parameter {label!r} contains the NUL character (%00)"
        try:
            shown.decode("utf-8")
            data.decode("utf-8")
        except UnicodeDecodeError:
            return f"the query parameter {label!r} is not UTF-8 text"
    return None
