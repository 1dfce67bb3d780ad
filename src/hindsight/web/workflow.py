"""The workflow in the web UI: the editor's workflow panel (state, reviewers, approvals, what
publishing still needs, the "review changed nothing" warning), its buttons (send for review,
back to draft, approve, publish, reopen with a reason), and the review meeting's mode: the
agenda with a note field per block, saved into the postmortem as a revision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hindsight.services import utc_now
from hindsight.services.errors import NotFoundError
from hindsight.services.linting import settings_options
from hindsight.services.policy import settings_policy
from hindsight.services.postmortems import get_postmortem
from hindsight.services.review import (
    incident_agenda,
    next_hour,
    save_meeting_notes,
    to_html,
    to_ics,
    to_markdown,
)
from hindsight.services.workflow import Gate, WorkflowRefused, approve, postmortem_gate, set_state
from hindsight.web.context import viewer, web, writer
from hindsight.web.routing import make_router


def gate_for(request: Request, slug: str) -> Gate | None:
    """The workflow panel's facts, or None before the postmortem exists."""
    context = web(request)
    try:
        return postmortem_gate(
            context.uow(),
            slug,
            settings_options(context.settings.lint_config),
            settings_policy(context.settings),
        )
    except NotFoundError:
        return None


EditorRenderer = Callable[..., Response]


def routes(render_editor: EditorRenderer) -> APIRouter:
    """`render_editor(request, slug, *, workflow=…, status=…)` renders the editor page."""
    router = make_router()

    @router.post("/incidents/{slug}/postmortem/status")
    def move(
        request: Request,
        slug: str,
        state: Annotated[str, Form()],
        reason: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        who = writer(request, csrf)
        context = web(request)
        try:
            moved = set_state(
                context.uow(),
                slug,
                state,
                actor=who.name,
                options=settings_options(context.settings.lint_config),
                policy=settings_policy(context.settings),
                reason=reason.strip() or None,
            )
        except WorkflowRefused as refused:
            outcome = {"refused": refused.summary, "reasons": refused.reasons, "fix": refused.fix}
            return render_editor(request, slug, workflow=outcome, status=409)
        outcome = {
            "moved": f"{moved.before.value} → {moved.after.value}",
            "warnings": moved.warnings,
        }
        return render_editor(request, slug, workflow=outcome)

    @router.post("/incidents/{slug}/postmortem/approve")
    def approve_it(
        request: Request,
        slug: str,
        reviewer: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form()] = "",
    ) -> Response:
        who = writer(request, csrf)
        try:
            approve(web(request).uow(), slug, reviewer=reviewer or who.name, actor=who.name)
        except WorkflowRefused as refused:
            outcome = {"refused": refused.summary, "reasons": refused.reasons, "fix": refused.fix}
            return render_editor(request, slug, workflow=outcome, status=409)
        return render_editor(
            request, slug, workflow={"approved": reviewer or who.name, "warnings": ()}
        )

    @router.get("/incidents/{slug}/postmortem/meeting")
    def meeting(request: Request, slug: str) -> Response:
        viewer(request)
        context = web(request)
        agenda = incident_agenda(
            context.uow(),
            slug,
            settings_options(context.settings.lint_config),
            start=next_hour(utc_now()),
        )
        current = get_postmortem(context.uow(), slug)
        return context.render(
            request,
            "meeting.html",
            {"slug": slug, "agenda": agenda, "version": current.version},
        )

    @router.get("/incidents/{slug}/postmortem/agenda.{kind}")
    def agenda_file(request: Request, slug: str, kind: str) -> Response:
        viewer(request)
        if kind not in ("html", "ics", "md"):
            raise NotFoundError(
                f"no agenda as {kind!r}", fix="agenda.html, agenda.ics or agenda.md"
            )
        context = web(request)
        agenda = incident_agenda(
            context.uow(),
            slug,
            settings_options(context.settings.lint_config),
            start=next_hour(utc_now()),
        )
        if kind == "ics":
            return Response(
                to_ics(agenda),
                media_type="text/calendar; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{slug}-review.ics"'},
            )
        if kind == "md":
            return Response(to_markdown(agenda), media_type="text/markdown; charset=utf-8")
        nonce = getattr(request.state, "csp_nonce", "")  # the server's CSP allows it
        return Response(to_html(agenda, nonce=nonce), media_type="text/html; charset=utf-8")

    @router.post("/incidents/{slug}/postmortem/meeting")
    async def save_notes(request: Request, slug: str) -> Response:
        form = await request.form()
        who = writer(request, str(form.get("csrf", "")))
        notes = {
            str(k).removeprefix("note-"): str(v)
            for k, v in form.items()
            if str(k).startswith("note-")
        }
        version = str(form.get("version", "0"))
        saved = await run_in_threadpool(
            save_meeting_notes,
            web(request).uow(),
            slug,
            notes,
            author=who.name,
            expected_version=int(version) if version.isdigit() else 0,
        )
        return RedirectResponse(
            f"/incidents/{slug}/postmortem?saved={saved.version}", status_code=303
        )

    return router
