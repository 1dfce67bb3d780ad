"""An action item's status: `open`, `done`, or `not_doing` (with the reason it was dropped).

Every status can move to every other one (work gets reopened, a dropped item gets picked up
again); what a transition checks is the reason: `not_doing` needs one, the others take none.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hindsight.core.errors import InputError

MAX_REASON_CHARS = 2000


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    NOT_DOING = "not_doing"

    @property
    def closed(self) -> bool:
        return self is not ActionStatus.OPEN


STATUSES: tuple[str, ...] = tuple(s.value for s in ActionStatus)


@dataclass(frozen=True)
class StatusChange:
    """The status an item moves to and why (`reason` is set for `not_doing` only)."""

    status: ActionStatus
    reason: str | None = None


def parse_status(text: str, *, where: str = "status") -> ActionStatus:
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return ActionStatus(value)
    except ValueError:
        raise InputError(
            f"{text!r} is not an action item status",
            where=where,
            fix="use one of: " + ", ".join(STATUSES),
        ) from None


def transition(
    current: ActionStatus, new: ActionStatus, reason: str | None, *, where: str = "reason"
) -> StatusChange:
    """The change from `current` to `new`; an `InputError` when the reason does not fit."""
    reason = (reason or "").strip() or None
    if new is ActionStatus.NOT_DOING:
        if reason is None:
            raise InputError(
                "an action item marked not_doing needs the reason it is dropped",
                where=where,
                fix="say why, e.g. --reason 'superseded by the queue migration'",
            )
        if len(reason) > MAX_REASON_CHARS:
            raise InputError(
                f"the reason is {len(reason)} characters; at most {MAX_REASON_CHARS} are kept",
                where=where,
                fix="shorten it and link to the discussion instead",
            )
        return StatusChange(new, reason)
    if reason is not None:
        raise InputError(
            f"a reason goes with not_doing only, not with {new.value}",
            where=where,
            fix=f"leave the reason out to mark it {new.value} (it was {current.value})",
        )
    return StatusChange(new, None)
