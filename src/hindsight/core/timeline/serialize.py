"""A timeline as JSON-ready values: entries with lanes, milestones and durations."""

from __future__ import annotations

from typing import Any

from hindsight.core.events import Event, format_instant, to_dict
from hindsight.core.timeline.build import Timeline
from hindsight.core.timeline.milestones import Durations


def timeline_to_dict(timeline: Timeline) -> dict[str, Any]:
    m = timeline.milestones
    cause = m.suspected_cause
    return {
        "entries": [
            {
                "lane": entry.lane.value,
                "count": entry.count,
                "until": format_instant(entry.until) if entry.until else None,
                "event": to_dict(entry.event),
            }
            for entry in timeline.entries
        ],
        "milestones": {
            "suspected_cause": (
                None
                if cause is None
                else {"event": _ref(cause.event), "reasoning": cause.reasoning}
            ),
            "impact_start": _ref(m.impact_start),
            "first_detection": _ref(m.first_detection),
            "first_page": _ref(m.first_page),
            "acknowledged": _ref(m.acknowledged),
            "mitigated": _ref(m.mitigated),
            "resolved": _ref(m.resolved),
        },
        "durations_seconds": durations_to_dict(m.durations),
        "events": len(timeline.events),
    }


def durations_to_dict(durations: Durations) -> dict[str, float | None]:
    return {
        name: (None if value is None else value.total_seconds())
        for name, value in vars(durations).items()
    }


def _ref(event: Event | None) -> dict[str, str] | None:
    if event is None:
        return None
    return {"at": format_instant(event.at), "key": event.key, "text": event.text}
