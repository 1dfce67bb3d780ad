"""Which event kinds mark which milestone: defined here once, for the timeline, the store's
storm seeks, correlation and drafting alike."""

from __future__ import annotations

from hindsight.core.events import EventKind

DETECTION_KINDS = frozenset({EventKind.ALERT_FIRING, EventKind.PAGE_TRIGGERED})
CHANGE_KINDS = frozenset({EventKind.CHANGE, EventKind.DEPLOY})
ACK_KIND = EventKind.ACKNOWLEDGED
MITIGATION_KIND = EventKind.MITIGATION
# In order of trust: a page's resolution is the incident's, an alert's only a fallback.
RESOLUTION_KINDS = (EventKind.RESOLVED, EventKind.ALERT_RESOLVED)
