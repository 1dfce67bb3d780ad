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

import hashlib
import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import SecretStr

from hindsight.api.context import get_context
from hindsight.api.problems import PROBLEM_SCHEMA, Problem
from hindsight.services.action_items import status_from_tracker
from hindsight.settings import Settings
from hindsight.trackers import Issue
from hindsight.trackers import github as github_issues
from hindsight.trackers import gitlab as gitlab_issues
from hindsight.trackers import jira as jira_issues

router = APIRouter(
    prefix="/hooks/trackers", tags=["tracker webhooks"], responses={"default": PROBLEM_SCHEMA}
)
SECRETS = {
    "github": ("github_secret", "HINDSIGHT_GITHUB_SECRET", "X-Hub-Signature-256"),
    "gitlab": ("gitlab_webhook_token", "HINDSIGHT_GITLAB_WEBHOOK_TOKEN", "X-Gitlab-Token"),
    "jira": ("jira_webhook_secret", "HINDSIGHT_JIRA_WEBHOOK_SECRET", "X-Hub-Signature"),
}
_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def check(settings: Settings, tracker: str, request: Request, body: bytes) -> None:
    """The delivery's signature or token, or a 401/403/503 problem."""
    field, setting, header = SECRETS[tracker]
    value: SecretStr | None = getattr(settings, field)
    secret = value.get_secret_value() if value is not None else ""
    if not secret:
        if settings.unsigned_allowed(f"tracker-{tracker}"):
            return
        raise Problem(
            503,
            f"{tracker} issue events are refused: {setting} is not set on this server",
            fix=f"set {setting} to the secret of the {tracker} webhook (or, on a laptop only, "
            f"HINDSIGHT_ALLOW_UNSIGNED_SOURCES=tracker-{tracker})",
            code="source-not-configured",
        )
    given = request.headers.get(header)
    if not given:
        raise Problem(
            401,
            f"the {tracker} delivery has no {header} header",
            fix=f"configure the {tracker} webhook with the secret in {setting}",
            code="unauthorized",
        )
    if tracker == "gitlab":
        expected = secret
    else:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not _same(expected, given.strip()):
        raise Problem(
            403,
            f"the {header} of this {tracker} delivery does not match",
            fix=f"make the webhook's secret in {tracker} and {setting} here the same",
            code="bad-signature",
        )


def _json(body: bytes, tracker: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise Problem(
            422, f"the {tracker} delivery is not JSON", fix="send the webhook as application/json"
        ) from None
    if not isinstance(data, dict):
        raise Problem(422, f"the {tracker} delivery is not a JSON object", fix="send the event")
    return data


def issue_of(tracker: str, request: Request, data: dict[str, Any]) -> Issue | None:
    """The issue the event is about, in its new state; None for events that change none."""
    try:
        if tracker == "github":
            if request.headers.get("x-github-event") != "issues":
                return None
            if data.get("action") not in ("closed", "reopened"):
                return None
            return github_issues.issue_from(data["issue"])
        if tracker == "gitlab":
            if data.get("object_kind") != "issue":
                return None
            attributes = dict(data["object_attributes"])
            attributes["labels"] = data.get("labels") or attributes.get("labels") or []
            return gitlab_issues.issue_from(attributes)
        if data.get("webhookEvent") != "jira:issue_updated":
            return None
        issue = data["issue"]
        return jira_issues.issue_from(issue, jira_issues.site_of(issue))
    except (KeyError, TypeError, ValueError) as error:
        raise Problem(
            422,
            f"the {tracker} issue event lacks what it must carry ({error})",
            fix=f"send the {tracker} issue webhook's payload as the tracker sends it",
        ) from None


async def _deliver(tracker: str, request: Request) -> dict[str, Any]:
    context = get_context(request)
    body = await request.body()
    check(context.settings, tracker, request, body)
    issue = issue_of(tracker, request, _json(body, tracker))
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
