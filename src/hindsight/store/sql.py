"""Small SQL helpers the repositories share."""

from __future__ import annotations

import datetime as dt


def utc(value: dt.datetime | str | None) -> dt.datetime | None:
    if isinstance(value, str):  # SQLite's max() over the column loses the type
        value = dt.datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value
