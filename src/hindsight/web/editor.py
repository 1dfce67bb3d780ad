"""The postmortem editor: Markdown with a live preview and checks, optimistic-concurrency
saves that show both versions on a conflict, drafting from evidence, revision history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.core.document import parse
from hindsight.core.drafting import read_provenance
from hindsight.core.incident import PostmortemState
from hindsight.services import Incident, Postmortem
from hindsight.services.drafting import draft_on_server
from hindsight.services.errors import ConflictError, NotFoundError
from hindsight.services.incidents import get_incident
from hindsight.services.linting import settings_options
from hindsight.services.postmortems import (
    StatusGateError,
    get_postmortem,
    postmortem_history,
    revision,
    start_postmortem,
    template_for,
    update_postmortem,
)
from hindsight.services.revisions import unified_diff
from hindsight.web.context import viewer, web, writer
from hindsight.web.findings import check
from hindsight.web.incident_view import anchor
from hindsight.web.markdown import to_html
from hindsight.web.routing import make_router
from hindsight.web.structure import apply_form, structure
from hindsight.web.workflow import gate_for
from hindsight.web.workflow import routes as workflow_routes


def provenance(markdown: str) -> list[dict[str, Any]]:
    """Drafted statements and the evidence behind each, per part of the document."""
    out: list[dict[str, Any]] = []
    for part, trailer in read_provenance(parse(markdown)).items():
        out.append(
            {
                "part": part.replace("_", " "),
                "cited": [
                    {"excerpt": excerpt, "evidence": [(k, anchor(k)) for k in keys]}
                    for excerpt, keys in trailer.cited
                ],
            }
        )
    return out


def diff_lines(diff: str) -> list[tuple[str, str]]:
    """(css class, line) for a unified diff."""
    out: list[tuple[str, str]] = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "del"
        else:
            kind = "same"
        out.append((kind, line))
    return out


def _normal(markdown: str) -> str:
    """Browsers send a textarea's lines with CRLF; the store keeps LF."""
    return markdown.replace("\r\n", "\n").replace("\r", "\n")


def _editor(
    request: Request,
    incident: Incident,
    postmortem: Postmortem | None,
    markdown: str,
    *,
    conflict: dict[str, Any] | None = None,
    saved: str = "",
    workflow: dict[str, Any] | None = None,
    status: int | None = None,
) -> Response:
    return web(request).render(
        request,
        "editor.html",
        {
            "incident": incident,
            "postmortem": postmortem,
            "markdown": markdown,
            "version": postmortem.version if postmortem else 0,
            "checked": check(markdown, settings_options(web(request).settings.lint_config)),
            "preview": to_html(markdown),
            "provenance": provenance(markdown),
            "structure": structure(markdown),
            "conflict": conflict,
            "saved": saved,
            "gate": gate_for(request, incident.slug) if postmortem else None,
            "workflow": workflow,
            "read_only": postmortem is not None and postmortem.state is PostmortemState.PUBLISHED,
        },
        status=status or (409 if conflict else 200),
    )


def render_editor(
    request: Request, slug: str, *, workflow: dict[str, Any] | None = None, status: int = 200
) -> Response:
    """The editor on the current version, with the outcome of a workflow action."""
    uow = web(request).uow
    incident = get_incident(uow(), slug)
    postmortem = get_postmortem(uow(), slug)
    return _editor(
        request, incident, postmortem, postmortem.markdown, workflow=workflow, status=status
    )


def routes() -> APIRouter:
    router = make_router()

    @router.get("/incidents/{slug}/postmortem")
    def edit(request: Request, slug: str, saved: str = "") -> Response:
        viewer(request)
        uow = web(request).uow
        incident = get_incident(uow(), slug)
        try:
            postmortem: Postmortem | None = get_postmortem(uow(), slug)
        except NotFoundError:
            postmortem = None
        markdown = postmortem.markdown if postmortem else template_for(incident)
        return _editor(request, incident, postmortem, markdown, saved=saved)

    @router.post("/incidents/{slug}/postmortem")
    def save(
        request: Request,
        slug: str,
        markdown: Annotated[str, Form()],
        version: Annotated[int, Form()],
        csrf: Annotated[str, Form()] = "",
        h_label: Annotated[list[str] | None, Form()] = None,
        h_value: Annotated[list[str] | None, Form()] = None,
        h_orig: Annotated[list[str] | None, Form()] = None,
        a_owner: Annotated[list[str] | None, Form()] = None,
        a_action: Annotated[list[str] | None, Form()] = None,
        a_type: Annotated[list[str] | None, Form()] = None,
        a_due: Annotated[list[str] | None, Form()] = None,
        a_tracking: Annotated[list[str] | None, Form()] = None,
        a_row: Annotated[list[str] | None, Form()] = None,
        a_orig: Annotated[str, Form()] = "",
    ) -> Response:
        who = writer(request, csrf)
        uow = web(request).uow
        columns = (a_owner or [], a_action or [], a_type or [], a_due or [], a_tracking or [])
        rows = [
            {
                "owner": owner,
                "action": action,
                "type": kind,
                "due": due,
                "tracking": tracking,
                "row": int(row) if row.isdigit() else None,
            }
            for owner, action, kind, due, tracking, row in zip(
                *columns, a_row or [""] * len(columns[0]), strict=False
            )
        ]
        text = apply_form(
            _normal(markdown),
            h_label or [],
            [_normal(v) for v in h_value or []],
            h_orig or [],
            rows,
            a_orig,
        )
        try:
            if version == 0:
                saved = start_postmortem(uow(), slug, author=who.name, markdown=text)
            else:
                saved = update_postmortem(
                    uow(), slug, text, expected_version=version, author=who.name
                )
        except StatusGateError as refused:
            incident = get_incident(uow(), slug)
            current = get_postmortem(uow(), slug)
            outcome = {"refused": refused.what, "reasons": (), "fix": refused.fix}
            return _editor(request, incident, current, text, workflow=outcome, status=422)
        except ConflictError:
            incident = get_incident(uow(), slug)
            theirs = get_postmortem(uow(), slug)
            conflict = {
                "base": version,
                "theirs": theirs,
                "diff": diff_lines(
                    unified_diff(
                        theirs.markdown, text, old_version=theirs.version, new_version=0
                    ).replace("+++ version 0", "+++ your unsaved version", 1)
                ),
            }
            return _editor(request, incident, theirs, text, conflict=conflict)
        return RedirectResponse(
            f"/incidents/{slug}/postmortem?saved={saved.version}", status_code=303
        )

    @router.post("/incidents/{slug}/postmortem/draft")
    def draft(request: Request, slug: str, csrf: Annotated[str, Form()] = "") -> Response:
        who = writer(request, csrf)
        settings = web(request).settings
        outcome = draft_on_server(
            web(request).uow(),
            slug,
            author=who.name,
            lint_config=settings.lint_config,
            prometheus_url=settings.prometheus_url,
        )
        return RedirectResponse(
            f"/incidents/{slug}/postmortem?saved={outcome.postmortem.version}", status_code=303
        )

    @router.get("/incidents/{slug}/postmortem/history")
    def history(request: Request, slug: str) -> Response:
        viewer(request)
        uow = web(request).uow
        incident = get_incident(uow(), slug)
        try:
            revisions = list(reversed(postmortem_history(uow(), slug)))
        except NotFoundError:
            revisions = []  # not started yet: no versions
        return web(request).render(
            request, "history.html", {"incident": incident, "revisions": revisions}
        )

    @router.get("/incidents/{slug}/postmortem/history/{version}")
    def version_diff(request: Request, slug: str, version: int) -> Response:
        viewer(request)
        uow = web(request).uow
        incident = get_incident(uow(), slug)
        found = revision(uow(), slug, version)
        return web(request).render(
            request,
            "revision.html",
            {"incident": incident, "revision": found, "lines": diff_lines(found.diff)},
        )

    router.include_router(workflow_routes(render_editor))
    return router
