"""A change as evidence of its own: a deployment, a push, a release, a config change, kept in
the change log whether or not an incident exists yet.

One home for what a change is and how it becomes timeline evidence:

- `check_change` validates what a caller sent (the API, the CLI) and names the bad field;
- `is_production` decides whether a change reached production: a deployment to a production-like
  environment (`production`, `prod`, `prd`, `live`, or one starting with `prod`), or a deployment
  that names no environment (a change-events API with no environment means "the" deployment);
  pushes and releases reach a branch, not production;
- `change_event` is the change as an `Event` on an incident's cause lane, in the shape the
  GitHub adapter gives deployments: a production deployment is a `DEPLOY` event (so the
  milestones can pick it as the suspected cause), everything else a `CHANGE`. A change that came
  as an event (a GitHub payload) keeps that event, unless its environment says it did not reach
  production.

Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from hindsight.core.errors import UserError
from hindsight.core.events import Actor, Event, EventKind, format_instant

UTC = dt.UTC


class ChangeKind(StrEnum):
    DEPLOY = "deploy"
    PUSH = "push"
    RELEASE = "release"
    CHANGE = "change"


CHANGE_KINDS: tuple[str, ...] = tuple(k.value for k in ChangeKind)
PRODUCTION_NAMES = frozenset({"production", "prod", "prd", "live"})
# The limits the store's columns keep (a longer value is refused, not cut).
MAX_SERVICES = 50
MAX_NAME = 200
MAX_ID = 400
MAX_LABELS = 50


@dataclass(frozen=True)
class Change:
    """One change as the log keeps it. `services` are canonical where the catalog knows them
    (the services layer maps them), as sent otherwise."""

    source: str  # "api", "cli", "github", "gitlab", ...
    external_id: str  # the sender's identity of the change: what makes a re-delivery a no-op
    kind: ChangeKind
    summary: str
    services: tuple[str, ...]
    at: dt.datetime
    environment: str | None = None
    author: str | None = None
    link: str | None = None
    labels: tuple[tuple[str, str], ...] = ()
    event: Event | None = None  # the event it came as (a GitHub deployment), when it did

    @property
    def production(self) -> bool:
        return is_production(self.kind, self.environment)

    @property
    def key(self) -> str:
        """The de-duplication key of its event on an incident."""
        if self.event is not None:
            return self.event.key
        return f"change:{self.source}:{self.external_id}"


def is_production(kind: ChangeKind, environment: str | None) -> bool:
    if kind is not ChangeKind.DEPLOY:
        return False
    if environment is None or not environment.strip():
        return True
    name = environment.strip().lower()
    return name in PRODUCTION_NAMES or name.startswith("prod")


def change_event(change: Change) -> Event:
    """The change as an event on an incident's cause lane."""
    kind = EventKind.DEPLOY if change.production else EventKind.CHANGE
    if change.event is not None:
        if change.event.kind is EventKind.DEPLOY and kind is EventKind.CHANGE:
            return dataclasses.replace(change.event, kind=kind, services=change.services)
        return dataclasses.replace(change.event, services=change.services)
    where = f" to {change.environment}" if change.environment else ""
    return Event(
        at=change.at,
        source=change.source,
        kind=kind,
        key=change.key,
        text=f"{change.kind.value.capitalize()}{where}: {change.summary}",
        actor=Actor(change.author) if change.author else None,
        services=change.services,
        link=change.link,
        subject=change.key,
    )


def change_to_dict(change: Change) -> dict[str, Any]:
    """The JSON shape of a change (the API's, the CLI's); times as RFC 3339 UTC."""
    return {
        "source": change.source,
        "external_id": change.external_id,
        "kind": change.kind.value,
        "summary": change.summary,
        "services": list(change.services),
        "environment": change.environment,
        "production": change.production,
        "time": format_instant(change.at),
        "author": change.author,
        "link": change.link,
        "labels": dict(change.labels),
    }


def check_change(
    *,
    source: str,
    summary: str,
    services: Sequence[str],
    at: dt.datetime,
    kind: str = ChangeKind.DEPLOY.value,
    environment: str | None = None,
    author: str | None = None,
    link: str | None = None,
    labels: Mapping[str, str] | None = None,
    external_id: str | None = None,
) -> Change:
    """A change from what a caller sent, or a `UserError` naming the field and the fix."""
    text = " ".join(summary.split())
    if not text:
        raise UserError("the change has no summary", where="summary", fix="say what changed")
    try:
        change_kind = ChangeKind(kind.strip().lower())
    except ValueError:
        raise UserError(
            f"unknown change kind {kind!r}",
            where="kind",
            fix=f"use one of {', '.join(CHANGE_KINDS)}",
        ) from None
    names = tuple(dict.fromkeys(" ".join(s.split()) for s in services))
    if not names or "" in names:
        raise UserError(
            "a change needs the services it touched, none empty",
            where="services",
            fix="name at least one service (a catalog name, alias or tool id)",
        )
    if len(names) > MAX_SERVICES or any(len(s) > MAX_NAME for s in names):
        raise UserError(
            f"at most {MAX_SERVICES} services of at most {MAX_NAME} characters",
            where="services",
        )
    if at.tzinfo is None:
        raise UserError(
            "the change's time has no zone", where="time", fix="write it as RFC 3339 with Z"
        )
    pairs = tuple(sorted((str(k), str(v)) for k, v in (labels or {}).items()))
    if len(pairs) > MAX_LABELS or any(not k or len(k) > MAX_NAME for k, _ in pairs):
        raise UserError(f"at most {MAX_LABELS} labels with non-empty keys", where="labels")
    env = environment.strip() or None if environment is not None else None
    if env is not None and len(env) > MAX_NAME:
        raise UserError(f"at most {MAX_NAME} characters", where="environment")
    when = at.astimezone(UTC)
    ident = (external_id or "").strip() or _content_id(change_kind, text, names, when, env)
    if len(ident) > MAX_ID:
        raise UserError(f"at most {MAX_ID} characters", where="external_id")
    return Change(
        source=source,
        external_id=ident,
        kind=change_kind,
        summary=text[:2000],
        services=names,
        at=when,
        environment=env,
        author=(author or "").strip()[:MAX_NAME] or None,
        link=(link or "").strip() or None,
        labels=pairs,
    )


def _content_id(
    kind: ChangeKind, summary: str, services: tuple[str, ...], at: dt.datetime, env: str | None
) -> str:
    """Without an external id, the same content sent twice is the same change."""
    text = "\0".join((kind.value, summary, ",".join(services), format_instant(at), env or ""))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def change_from_event(event: Event, *, environment: str | None = None) -> Change:
    """A change that arrived as a source's event (a GitHub deployment or push)."""
    if event.kind not in (EventKind.DEPLOY, EventKind.CHANGE):
        raise ValueError(f"{event.kind} is not a change")
    if event.kind is EventKind.DEPLOY:
        kind = ChangeKind.DEPLOY
    elif ":push:" in event.key:
        kind = ChangeKind.PUSH
    elif ":release:" in event.key:
        kind = ChangeKind.RELEASE
    else:
        kind = ChangeKind.CHANGE
    return Change(
        source=event.source,
        external_id=event.key,
        kind=kind,
        summary=event.text,
        services=event.services,
        at=event.at,
        environment=environment,
        author=event.actor.name if event.actor else None,
        link=event.link,
        event=event,
    )
