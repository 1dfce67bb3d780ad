"""A tracker's issue as the reference its Tracking cell will read back as: the key is what
`core.actions.parse_tracking` makes of the URL, so webhooks and saves find the same record."""

from __future__ import annotations

from hindsight.core.actions import TrackerRef, parse_tracking


def ref_for(provider: str, url: str, key: str) -> TrackerRef:
    parsed = parse_tracking(url)
    if parsed is not None and parsed.provider == provider and parsed.key:
        return TrackerRef(provider, parsed.key, url)
    return TrackerRef(provider, key, url)
