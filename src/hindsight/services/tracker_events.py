"""Inbound tracker events: GitHub `issues`, GitLab Issue Hook, Jira `jira:issue_updated`.

Each tracker's webhook is declared with the same primitives the evidence sources use
(`hindsight.sources.webhook`: HMAC over the raw body, constant-time comparison, shared
tokens), so a signature rule has one home. `verify` checks a delivery against the secret the
settings hold for it; `issue_of` reads the issue the event moved (None for events that move
none); the API turns a `Refusal` into a problem document.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import SecretStr

from hindsight.settings import Settings
from hindsight.sources.webhook import Delivery, Refusal, Secrets, Verifier, hmac_signature, token
from hindsight.trackers import Issue
from hindsight.trackers import github as github_issues
from hindsight.trackers import gitlab as gitlab_issues
from hindsight.trackers import jira as jira_issues

__all__ = ["TRACKERS", "Delivery", "Issue", "Refusal", "issue_of", "verify"]

# tracker → (the settings field holding its secret, that setting's variable, its verifier)
TRACKERS: dict[str, tuple[str, str, Verifier]] = {
    "github": (
        "github_secret",
        "HINDSIGHT_GITHUB_SECRET",
        hmac_signature("X-Hub-Signature-256", prefix="sha256="),
    ),
    "gitlab": ("gitlab_webhook_token", "HINDSIGHT_GITLAB_WEBHOOK_TOKEN", token("X-Gitlab-Token")),
    "jira": (
        "jira_webhook_secret",
        "HINDSIGHT_JIRA_WEBHOOK_SECRET",
        hmac_signature("X-Hub-Signature", prefix="sha256="),
    ),
}


def verify(settings: Settings, delivery: Delivery) -> None:
    """The delivery's signature or token, or a 401/403/503 `Refusal`."""
    tracker = delivery.source
    field, setting, verifier = TRACKERS[tracker]
    value: SecretStr | None = getattr(settings, field)
    secret = value.get_secret_value() if value is not None else ""
    if not secret:
        if settings.unsigned_allowed(f"tracker-{tracker}"):
            return
        raise Refusal(
            503,
            f"{tracker} issue events are refused: {setting} is not set on this server",
            fix=f"set {setting} to the secret of the {tracker} webhook (or, on a laptop only, "
            f"HINDSIGHT_ALLOW_UNSIGNED_SOURCES=tracker-{tracker})",
            code="source-not-configured",
        )
    verifier(delivery, Secrets((secret,), 0))


def _json(body: bytes, tracker: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValueError):
        raise Refusal(
            422, f"the {tracker} delivery is not JSON", fix="send the webhook as application/json"
        ) from None
    if not isinstance(data, dict):
        raise Refusal(422, f"the {tracker} delivery is not a JSON object", fix="send the event")
    return data


def issue_of(tracker: str, headers: Mapping[str, str], body: bytes) -> Issue | None:
    """The issue the event is about, in its new state; None for events that change none."""
    data = _json(body, tracker)
    try:
        if tracker == "github":
            if headers.get("x-github-event") != "issues":
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
        raise Refusal(
            422,
            f"the {tracker} issue event lacks what it must carry ({error})",
            fix=f"send the {tracker} issue webhook's payload as the tracker sends it",
        ) from None
