"""Due dates: a Due cell read as a calendar date, and what overdue and due soon mean."""

from __future__ import annotations

import datetime as dt
import re

from hindsight.core.actions.status import ActionStatus

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def due_date(text: str | None) -> dt.date | None:
    """The first ISO date (YYYY-MM-DD) in a Due cell; None when there is none or it is not a
    real day (the template's `YYYY-MM-DD` is not)."""
    found = _ISO.search(text or "")
    if not found:
        return None
    try:
        return dt.date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def is_overdue(status: ActionStatus, due: dt.date | None, today: dt.date) -> bool:
    """Open and due before today (an item due today is not late yet)."""
    return status is ActionStatus.OPEN and due is not None and due < today


def is_due_soon(status: ActionStatus, due: dt.date | None, today: dt.date, days: int) -> bool:
    """Open and due from today to `days` days ahead."""
    return (
        status is ActionStatus.OPEN
        and due is not None
        and today <= due <= today + dt.timedelta(days=days)
    )
