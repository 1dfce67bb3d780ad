"""Cause timeline versus response timeline.

The guide's common mistake is a timeline of the response alone. The cause lane holds what
made the incident possible — changes, deploys, latent conditions becoming real; the response
lane holds how it was noticed and handled — alerts, pages, acks, chat, mitigation, resolution.
"""

from __future__ import annotations

from enum import StrEnum

from hindsight.core.events import CAUSE_KINDS, Event


class Lane(StrEnum):
    CAUSE = "cause"
    RESPONSE = "response"


def lane_of(event: Event) -> Lane:
    return Lane.CAUSE if event.kind in CAUSE_KINDS else Lane.RESPONSE
