"""POST /hooks/trackers/{github|gitlab|jira}: the trackers tell us an issue changed, so an
action item's status follows without polling.

- GitHub `issues` events (`closed` → done, or not_doing when closed as not planned;
  `reopened` → open), signed with X-Hub-Signature-256 (HMAC-SHA256 of the body with
  HINDSIGHT_GITHUB_SECRET);
- GitLab Issue Hook (`object_kind: issue`), its X-Gitlab-Token equal to
  HINDSIGHT_GITLAB_WEBHOOK_TOKEN;
- Jira `jira:issue_updated`, signed with X-Hub-Signature (`sha256=` HMAC of the body with
  HINDSIGHT_JIRA_WEBHOOK_SECRET, as Jira's webhooks with a secret send it).
Without a configured secret a delivery is refused (503) unless unsigned deliveries are allowed
for it (`HINDSIGHT_ALLOW_UNSIGNED_SOURCES=tracker-github,…`, a laptop only). An event about an
issue no item links, or that changes no state, is 200 with nothing moved.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from hindsight.api.context import get_context
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.services.action_items import status_from_tracker
from hindsight.services.tracker_events import Delivery, Refusal, issue_of, verify

router = APIRouter(
    prefix="/hooks/trackers", tags=["tracker webhooks"], responses={"default": PROBLEM_SCHEMA}
)
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


async def _deliver(tracker: str, request: Request) -> dict[str, Any]:
    context = get_context(request)
    body = await request.body()
    headers = {k.lower(): v for k, v in request.headers.items()}
    try:
        verify(context.settings, Delivery(tracker, body, headers, context.clock()))
        issue = issue_of(tracker, headers, body)
    except Refusal as refusal:
        raise Problem(refusal.status, refusal.detail, fix=refusal.fix, code=refusal.code) from None
    if issue is None or issue.ref.key is None:
        return {"status": "ignored", "moved": []}
    moved = await run_in_threadpool(
        status_from_tracker,
        context.uow(),
        tracker,
        issue.ref.key,
        issue.status,
        issue.reason,
        actor=f"{tracker} webhook",
    )
    return {
        "status": "stored" if moved else "unchanged",
        "issue": issue.ref.key,
        "moved": [{"id": m.id, "status": m.status} for m in moved],
    }


@router.post("/github", summary="GitHub `issues` events", openapi_extra=_BODY)
async def github_route(request: Request) -> dict[str, Any]:
    return await _deliver("github", request)


@router.post("/gitlab", summary="GitLab Issue Hook", openapi_extra=_BODY)
async def gitlab_route(request: Request) -> dict[str, Any]:
    return await _deliver("gitlab", request)


@router.post("/jira", summary="Jira `jira:issue_updated`", openapi_extra=_BODY)
async def jira_route(request: Request) -> dict[str, Any]:
    return await _deliver("jira", request)
