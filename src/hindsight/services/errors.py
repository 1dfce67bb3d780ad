"""Errors the use cases raise on purpose (the API maps them to 404 and 409)."""

from __future__ import annotations

from hindsight.core.errors import UserError


class NotFoundError(UserError):
    """An incident, postmortem or revision that does not exist."""


class ConflictError(UserError):
    """A write based on a version that is no longer current: reload, merge, save again."""

    def __init__(self, what: str, *, current_version: int, fix: str | None = None) -> None:
        self.current_version = current_version
        super().__init__(what, fix=fix)
