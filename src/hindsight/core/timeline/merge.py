"""One order for events from every source.

Sorted by instant, then by kind (a cause before the alert it sets off, an alert before the
page), then source and key. The key is unique after de-duplication, so the order is total and
does not depend on the order the sources were read in.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from hindsight.core.events import Event

_ORDER = attrgetter("order")


def merge(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=_ORDER)
