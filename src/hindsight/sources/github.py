"""GitHub `push`, `deployment` and `deployment_status` webhooks, as change events.

The delivery header (`X-GitHub-Event`) is not part of a stored body, so the event is told
from the payload's shape. Keys come from GitHub's own ids (deployment id, status id, the
pushed head sha). A deployment whose `task` mentions "rollback", or whose `payload` names
`rollback_of`, is a rollback: a mitigation that links to the deployment it undoes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

from hindsight.core.events import Actor, Event, EventKind
from hindsight.sources.base import NO_KEYS, SourceError
from hindsight.sources.reading import (
    epoch,
    instant,
    load_json,
    obj,
    opt_obj,
    opt_text,
    pointer,
    req,
    text,
)
from hindsight.sources.webhook import Delivery, Payload, Refusal, Reply, Webhook, hmac_signature

EVENTS = ("push", "deployment", "deployment_status")  # the deliveries that carry evidence
FORM = "application/x-www-form-urlencoded"


def prepare(delivery: Delivery) -> Reply | Payload:
    """GitHub's pre-steps: answer the `ping` sent when a hook is created, acknowledge and
    drop the events that carry no evidence, and unwrap a form-encoded delivery's `payload`."""
    event = delivery.headers.get("x-github-event", "")
    if event == "ping":
        return Reply({"status": "pong"})
    if event and event not in EVENTS:
        return Reply({"status": "ignored", "event": event})
    if delivery.content_type == FORM:
        found = parse_qs(delivery.body.decode("utf-8", "replace")).get("payload")
        if not found:
            raise Refusal(422, "the form has no payload field", fix="send GitHub's form")
        return Payload(found[0].encode("utf-8", "replace"))
    return Payload(delivery.body)


STATES = ("pending", "queued", "in_progress", "success", "failure", "error", "inactive")
_STATE_WORDS = {
    "pending": "pending",
    "queued": "queued",
    "in_progress": "in progress",
    "success": "succeeded",
    "failure": "failed",
    "error": "errored",
    "inactive": "superseded",
}


def _user(ref: dict[str, Any]) -> Actor | None:
    login = ref.get("login") or ref.get("name")
    if not isinstance(login, str) or not login or login.isspace():
        return None
    return Actor(login, is_bot=ref.get("type") == "Bot" or login.endswith("[bot]"))


def _service(payload: dict[str, Any], deployment: dict[str, Any] | None = None) -> tuple[str, ...]:
    extra = deployment.get("payload") if deployment else None
    if isinstance(extra, dict) and isinstance(extra.get("service"), str) and extra["service"]:
        return (extra["service"],)
    repository = payload.get("repository")
    if isinstance(repository, dict) and isinstance(repository.get("name"), str):
        return (repository["name"],) if repository["name"] else ()
    return ()


def _rollback_of(deployment: dict[str, Any]) -> tuple[bool, tuple[str, ...]]:
    extra = deployment.get("payload")
    target = extra.get("rollback_of") if isinstance(extra, dict) else None
    is_rollback = "rollback" in str(deployment.get("task", "")).lower() or target is not None
    refs = (f"github:deployment:{target}",) if target is not None else ()
    return is_rollback, refs


def _deployment(name: str, payload: dict[str, Any], path: str) -> dict[str, Any]:
    deployment = obj(req(payload, "deployment", name, ""), name, path)
    for field in ("id", "created_at"):
        req(deployment, field, name, path)
    if isinstance(deployment["id"], bool) or not isinstance(deployment["id"], int):
        raise SourceError("expected a number", where=name, field=f"{path}.id")
    return deployment


def _describe(deployment: dict[str, Any], rollback: bool) -> str:
    ref = deployment.get("ref") or "?"
    sha = str(deployment.get("sha") or "")[:7]
    env = deployment.get("environment") or "?"
    what = "Rollback" if rollback else "Deploy"
    target = f"{ref}@{sha}" if sha else str(ref)
    return f"{what} of {target} to {env}"


def parse_deployment(name: str, payload: dict[str, Any]) -> Event:
    deployment = _deployment(name, payload, "deployment")
    rollback, refs = _rollback_of(deployment)
    description = opt_text(deployment, "description", name, "deployment")
    return Event(
        at=instant(deployment["created_at"], name, "deployment.created_at"),
        source="github",
        kind=EventKind.MITIGATION if rollback else EventKind.DEPLOY,
        key=f"github:deployment:{deployment['id']}",
        text=f"{_describe(deployment, rollback)} started"
        + (f": {description}" if description else ""),
        actor=_user(opt_obj(deployment, "creator", name, "deployment")),
        services=_service(payload, deployment),
        link=opt_text(deployment, "url", name, "deployment"),
        raw=pointer(name, "deployment"),
        refs=refs,
        subject=f"github:deployment:{deployment['id']}",
    )


def parse_status(name: str, payload: dict[str, Any]) -> Event:
    status = obj(req(payload, "deployment_status", name, ""), name, "deployment_status")
    status_id = req(status, "id", name, "deployment_status")
    state = text(status, "state", name, "deployment_status")
    if state not in STATES:
        raise SourceError(
            f"{state!r} is not one of {', '.join(STATES)}",
            where=name,
            field="deployment_status.state",
        )
    deployment = _deployment(name, payload, "deployment")
    rollback, refs = _rollback_of(deployment)
    description = opt_text(status, "description", name, "deployment_status")
    # A finished rollback is a mitigation; every other status is part of the change story.
    kind = EventKind.MITIGATION if rollback and state == "success" else EventKind.DEPLOY
    return Event(
        at=instant(
            req(status, "created_at", name, "deployment_status"),
            name,
            "deployment_status.created_at",
        ),
        source="github",
        kind=kind,
        key=f"github:deployment_status:{status_id}",
        text=f"{_describe(deployment, rollback)} {_STATE_WORDS[state]}"
        + (f": {description}" if description else ""),
        actor=_user(opt_obj(status, "creator", name, "deployment_status")),
        services=_service(payload, deployment),
        link=opt_text(status, "log_url", name, "deployment_status")
        or opt_text(status, "target_url", name, "deployment_status"),
        raw=pointer(name, "deployment_status"),
        refs=(f"github:deployment:{deployment['id']}", *refs),
        subject=f"github:deployment:{deployment['id']}",
    )


def parse_push(name: str, payload: dict[str, Any]) -> Event:
    ref = text(payload, "ref", name, "")
    after = text(payload, "after", name, "")
    repository = obj(req(payload, "repository", name, ""), name, "repository")
    repo = text(repository, "full_name", name, "repository")
    commits = payload.get("commits") or []
    if not isinstance(commits, list):
        raise SourceError("expected an array", where=name, field="commits")
    head = opt_obj(payload, "head_commit", name, "")
    # `pushed_at` is the push itself (a Unix integer in push payloads only); the head commit's
    # timestamp is when it was committed, which may be much earlier.
    if repository.get("pushed_at") is not None:
        at = epoch(repository["pushed_at"], name, "repository.pushed_at", unit="s")
    elif head:
        at = instant(req(head, "timestamp", name, "head_commit"), name, "head_commit.timestamp")
    else:
        raise SourceError(
            "a push needs repository.pushed_at or head_commit", where=name, field="head_commit"
        )
    branch = ref.removeprefix("refs/heads/")
    message = next(iter(str(head.get("message") or "").splitlines()), "") if head else ""
    count = len(commits)
    pusher = opt_obj(payload, "pusher", name, "")
    actor = _user(pusher) or _user(opt_obj(payload, "sender", name, ""))
    deleted = payload.get("deleted") is True
    words = (
        f"Branch {branch} deleted"
        if deleted
        else f"Push to {branch} ({count} commit{'s' if count != 1 else ''})"
        + (f": {message}" if message else "")
    )
    return Event(
        at=at,
        source="github",
        kind=EventKind.CHANGE,
        key=f"github:push:{repo}:{ref}:{after}",
        text=words,
        actor=actor,
        services=_service(payload),
        link=opt_text(payload, "compare", name, ""),
        raw=pointer(name),
        subject=f"github:{repo}:{ref}",
    )


class GitHubSource:
    name = "github"
    webhook = Webhook(
        summary="GitHub push / deployment / deployment_status (X-Hub-Signature-256)",
        verify=hmac_signature("X-Hub-Signature-256", prefix="sha256="),
        content_types=("application/json", FORM),
        prepare=prepare,
        id_headers=("x-github-delivery", "x-request-id"),  # a redelivery keeps the GUID
    )

    def detect(self, name: str, data: bytes) -> bool:
        head = data[:65536]
        return b'"deployment"' in head or (b'"commits"' in head and b'"pusher"' in head)

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        payload = obj(load_json(name, data), name, "")
        if "deployment_status" in payload:
            return (parse_status(name, payload),)
        if "deployment" in payload:
            return (parse_deployment(name, payload),)
        if "commits" in payload or "pusher" in payload:
            return (parse_push(name, payload),)
        if "zen" in payload and "hook_id" in payload:  # the ping on hook creation
            return ()
        raise SourceError(
            "not a push, deployment or deployment_status webhook",
            where=name,
            field="deployment",
        )

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        return NO_KEYS  # a change is placed by its service, or pinned with ?incident=
