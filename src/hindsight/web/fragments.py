"""What the editor's script fetches as you type: the checks and the preview of the text in the
editor (nothing is saved). Debounced on the client; a POST with the CSRF header like any
other."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hindsight.core.checks import LintOptions
from hindsight.services.linting import settings_options
from hindsight.services.postmortems import MAX_MARKDOWN_CHARS
from hindsight.web.context import check_csrf, viewer, web
from hindsight.web.findings import check
from hindsight.web.markdown import to_html
from hindsight.web.routing import make_router


class CheckRequest(BaseModel):
    markdown: str = Field(max_length=MAX_MARKDOWN_CHARS)


def checks_and_preview(markdown: str, options: LintOptions) -> dict[str, Any]:
    text = markdown.replace("\r\n", "\n")
    return {"checks": check(text, options).to_dict(), "preview": to_html(text)}


def routes() -> APIRouter:
    router = make_router()

    @router.post("/incidents/{slug}/postmortem/check")
    def live_check(request: Request, slug: str, body: CheckRequest) -> Response:
        viewer(request)
        check_csrf(request, None)
        options = settings_options(web(request).settings.lint_config)
        return JSONResponse(checks_and_preview(body.markdown, options))

    return router
