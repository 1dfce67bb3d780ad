"""The composition root of the server: `create_app(settings)` wires settings → engine →
services → routers. Nothing here is module-global; every app has its own engine, metrics and
limiter, so tests build as many as they like.

    app = create_app(Settings(database_url="sqlite:///h.db"))

The web UI, when installed (`hindsight.web.install(app, settings)`), is mounted after the
API's routers and owns the HTML pages (including /incidents/<slug>); until then that
permalink redirects to the API's JSON.
"""

from __future__ import annotations

import importlib
import importlib.util
import ipaddress
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from hindsight import __version__
from hindsight.api.context import AppContext
from hindsight.api.docs_page import install_docs
from hindsight.api.logs import server_logger
from hindsight.api.middleware import ServerMiddleware
from hindsight.api.problems import install_problem_handlers
from hindsight.api.ratelimit import FailureLimiter
from hindsight.api.routes import (
    action_items,
    changes,
    hooks,
    incidents,
    jobs,
    meta,
    postmortems,
    services,
    tokens,
    tracker_hooks,
    workflow,
)
from hindsight.core.errors import ConfigError
from hindsight.services import Engine, open_store
from hindsight.services.sample import load_sample
from hindsight.settings import Settings

DESCRIPTION = """Blameless postmortems: evidence in, timeline out, the method checked.

API calls need `Authorization: Bearer <token>`
(`hindsight token create --role viewer|editor|admin`).
Webhooks under /hooks are authenticated by their source's signature or token instead.
Every error is `application/problem+json` with `detail` (what is wrong) and `fix`.

Postmortem writes need `If-Match` with the `ETag` of the version they are based on: a stale
one is always 412 (with the current `ETag`), a missing one 428."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_bind(settings: Settings, host: str) -> None:
    """Refuse to serve without authentication anywhere but on a loopback address."""
    if settings.auth == "none" and not is_loopback(host):
        raise ConfigError(
            f"HINDSIGHT_AUTH=none on {host}: anyone who can reach it would be an admin",
            where="HINDSIGHT_AUTH",
            fix="bind to 127.0.0.1 (--host 127.0.0.1), or use tokens (HINDSIGHT_AUTH=token)",
        )


def create_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    clock: Callable[[], float] | None = None,
) -> FastAPI:
    """The server. With `engine` the caller owns the database; else the app opens (and
    migrates) `settings.database_url` at start and closes it at shutdown."""
    context = AppContext(
        settings,
        limiter=FailureLimiter(settings.auth_failure_limit, settings.auth_failure_window_s),
        api_limiter=FailureLimiter(settings.auth_failure_limit, settings.auth_failure_window_s),
        bound=engine,
    )
    if clock is not None:
        context.clock = clock

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = None
        if context.bound is None:
            owned = await run_in_threadpool(open_store, settings.database_url)
            context.bound = owned
        try:
            if settings.load_sample:
                slug = await run_in_threadpool(load_sample, context.uow())
                server_logger().info("sample incident loaded", extra={"incident": slug})
            context.milestones.start()
            context.deliveries.start()
            await run_in_threadpool(context.jobs.start)
            try:
                yield
            finally:
                await run_in_threadpool(context.jobs.stop)  # after the job running now
                await run_in_threadpool(context.deliveries.stop)  # stores what is queued
                await run_in_threadpool(context.milestones.stop)  # refreshes what is marked
        finally:
            if owned is not None:
                owned.dispose()
                context.bound = None

    app = FastAPI(
        title="Hindsight",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served offline by install_docs; ReDoc needs a CDN, so none
        redoc_url=None,
    )
    install_docs(app)
    app.state.hindsight = context
    install_problem_handlers(app)
    app.add_middleware(ServerMiddleware, context=context)
    for module in (
        incidents,
        postmortems,
        workflow,
        tokens,
        meta,
        hooks,
        action_items,
        tracker_hooks,
        changes,
        services,
        jobs,
    ):
        app.include_router(module.router)
    if not _install_web(app, settings, context):
        app.include_router(meta.permalink_router())
    return app


def _install_web(app: FastAPI, settings: Settings, context: AppContext) -> bool:
    """Mount the web UI if `hindsight.web` provides `install(app, settings, uow=…)`; it gets
    the app's own unit-of-work factory, so both share one engine and its lifespan."""
    if importlib.util.find_spec("hindsight.web") is None:
        return False
    web = importlib.import_module("hindsight.web")
    install = getattr(web, "install", None)
    if install is None:
        return False
    install(app, settings, uow=context.uow)
    return True
