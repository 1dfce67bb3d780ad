"""The editor's form rows (the header fields, the action-item table) on the page and on save.

The rows are rendered from the Markdown; typing in them rewrites the Markdown (live, through
`POST …/postmortem/structure`, when the script runs; on save when it does not: a row whose
value differs from the one it was rendered with is written into the submitted Markdown). The
Markdown in the textarea stays what is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hindsight.core.document.structure import (
    COLUMNS,
    TYPES,
    FormRow,
    action_rows,
    header_fields,
    with_action_rows,
    with_header,
)
from hindsight.services.postmortems import MAX_MARKDOWN_CHARS
from hindsight.web.context import check_csrf, viewer
from hindsight.web.routing import make_router

MAX_ROWS = 200


class RowIn(BaseModel):
    owner: str = Field(default="", max_length=500)
    action: str = Field(default="", max_length=2000)
    type: str = Field(default="", max_length=100)
    due: str = Field(default="", max_length=100)
    tracking: str = Field(default="", max_length=1000)
    row: int | None = Field(default=None, ge=0, le=100_000)


class StructureRequest(BaseModel):
    markdown: str = Field(max_length=MAX_MARKDOWN_CHARS)
    header: dict[str, str] | None = Field(default=None, max_length=100)
    actions: list[RowIn] | None = Field(default=None, max_length=MAX_ROWS)


def _cells(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(data.get(k) or "") for k in COLUMNS}


def _row(data: dict[str, Any]) -> FormRow:
    return FormRow(**_cells(data), row=data.get("row"))


def structure(markdown: str) -> dict[str, Any]:
    """What the page renders the rows from (and the script redraws them from)."""
    return {
        "header": [
            {"label": f.label, "value": f.value, "placeholder": f.placeholder, "locked": f.locked}
            for f in header_fields(markdown)
        ],
        "actions": [
            {**{k: r.cell(k) for k in COLUMNS}, "row": r.row} for r in action_rows(markdown)
        ],
        "types": list(TYPES),
    }


def apply_form(
    markdown: str,
    labels: Sequence[str],
    values: Sequence[str],
    originals: Sequence[str],
    rows: Sequence[dict[str, Any]],
    original_rows: str,
) -> str:
    """The saved Markdown with the form rows a person changed written into it (the page
    without its script): a header field whose value is not the one it was rendered with, and
    the action rows when any of them is not."""
    changed = {
        label: value
        for label, value, before in zip(labels, values, originals, strict=False)
        if value != before
    }
    text = with_header(markdown, changed) if changed else markdown
    try:
        before_rows = orjson.loads(original_rows) if original_rows else None
    except orjson.JSONDecodeError:
        before_rows = None  # a tampered field: the rows are not applied
    if not isinstance(before_rows, list):
        return text
    shown = [_cells(r) for r in before_rows if isinstance(r, dict)]
    given = [_cells(r) for r in rows]
    # The page adds one blank row for a new item: unchanged when it is still blank.
    if given[: len(shown)] == shown and all(not any(r.values()) for r in given[len(shown) :]):
        return text
    return with_action_rows(text, [_row(r) for r in rows])


def routes() -> APIRouter:
    router = make_router()

    @router.post("/incidents/{slug}/postmortem/structure")
    def live_structure(request: Request, slug: str, body: StructureRequest) -> Response:
        """The Markdown with the rows written in (nothing is saved), and the rows it now has."""
        viewer(request, write=True)
        check_csrf(request, None)
        text = body.markdown.replace("\r\n", "\n")
        if body.header:
            text = with_header(text, body.header)
        if body.actions is not None:
            text = with_action_rows(text, [_row(r.model_dump()) for r in body.actions])
        return JSONResponse({"markdown": text, **structure(text)})

    return router
