"""What every tracker does for action items: open an issue, read one, and find the issues
that carry an item's marker (the idempotency of a sync rests on that search)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from hindsight.core.actions import ActionStatus, TrackerRef
from hindsight.core.errors import UserError


@dataclass(frozen=True)
class NewIssue:
    title: str
    body: str  # Markdown, ending in the item's hidden marker
    labels: tuple[str, ...]
    due: dt.date | None
    marker: str  # the bare marker token (Jira also gets it as a label)


@dataclass(frozen=True)
class Issue:
    ref: TrackerRef
    status: ActionStatus
    reason: str | None = None  # why it is not_doing, in the tracker's words
    body: str = ""


class TrackerError(UserError):
    """The tracker refused or failed: what it said, and what to do (exit 2 in the CLI)."""

    def __init__(
        self,
        what: str,
        *,
        where: str,
        fix: str,
        status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(what, where=where, fix=fix)
        self.status = status
        self.retry_after_s = retry_after_s


class Tracker(Protocol):
    name: str  # github, gitlab, jira: the provider its references carry

    def create(self, issue: NewIssue) -> Issue: ...

    def read(self, key: str) -> Issue: ...

    def find_marked(self, marker: str) -> list[Issue]:
        """Issues whose body (or labels) carry exactly `marker`."""
        ...

    def close(self, key: str, status: ActionStatus) -> Issue:
        """Close the issue as done, or as not planned for `not_doing`."""
        ...
