"""The web UI: server-rendered pages over the same use cases as the API.

    from hindsight.web import install
    install(app, settings)            # the composition root (`create_app`) calls this

Pages: `/incidents` (search, filters, sorting, paging), `/incidents/<slug>` (the permalink:
milestones, the timeline chart, the evidence), `/incidents/<slug>/postmortem` (the editor with
live preview and checks; history and diffs below it), exports, and `/signin`. Static files
(our own CSS and a little JavaScript) are served from `/static/web/`.
"""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from hindsight.services import UnitOfWork, open_store
from hindsight.services.auth import authenticate
from hindsight.services.policy import settings_policy
from hindsight.settings import Settings
from hindsight.web import (
    catalog_pages,
    editor,
    exports,
    followups,
    fragments,
    insights,
    pages,
    signin,
    structure,
)
from hindsight.web.context import (
    SignInFailures,
    TokenCheck,
    UowFactory,
    WebContext,
    make_templates,
)
from hindsight.web.security import Signer

STATIC = Path(__file__).parent / "static"


def install(
    app: FastAPI,
    settings: Settings,
    *,
    uow: UowFactory | None = None,
    authenticate_token: TokenCheck = authenticate,
    session_secret: bytes | None = None,
) -> None:
    """Mount the pages and static files on `app`.

    `uow` makes a fresh unit of work per use case; without one, the web opens its own engine
    on `settings.database_url`. Sessions live in the store (any app server on it knows
    them); CSRF tokens are signed with `session_secret` (random per process when not given:
    a form left open across a restart is the price).
    """
    if uow is None:
        engine = open_store(settings.database_url)

        def own() -> UnitOfWork:
            return UnitOfWork(engine, policy=settings_policy(settings))

        uow = own
    app.state.hindsight_web = WebContext(
        settings=settings,
        uow=uow,
        signer=Signer(session_secret or _configured_secret(settings) or secrets.token_bytes(32)),
        authenticate=authenticate_token,
        templates=make_templates(),
        failures=SignInFailures(settings.auth_failure_limit, settings.auth_failure_window_s),
        renders=threading.BoundedSemaphore(settings.page_renders),
    )
    for module in (
        pages,
        editor,
        fragments,
        structure,
        exports,
        signin,
        followups,
        catalog_pages,
        insights,
    ):
        app.include_router(module.routes())
    app.mount("/static/web", StaticFiles(directory=STATIC), name="web-static")


__all__ = ["install"]


def _configured_secret(settings: Settings) -> bytes | None:
    secret = settings.session_secret
    return secret.get_secret_value().encode() if secret is not None else None
