"""`hindsight actions sync`: open an issue for every open action item without a tracking
link, write its link into the postmortem's Tracking cell (a revision by the tracker sync),
pull the state of every linked issue into the item's status, and close the issues of items
closed here (done, or not planned for not_doing).

Idempotent, crash included: before opening an issue the sync searches the tracker for the
item's marker, so an issue opened by a sync that died before saving its link is found and
linked, never opened twice. Each item's link is saved in a transaction of its own (the
revision, the records and the audit entry together); a tracker error stops the sync, and
what it saved before is whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from hindsight.core.actions import ActionStatus, TrackerRef
from hindsight.core.actions.due import due_date
from hindsight.core.actions.marker import hidden_marker, marker
from hindsight.core.actions.writeback import with_tracking
from hindsight.core.document.template import ACTION_TYPES
from hindsight.services.action_items import ItemFilter, apply_status, list_action_items
from hindsight.services.errors import NotFoundError
from hindsight.services.postmortems import save_version_in
from hindsight.settings import Settings
from hindsight.store.records import StoredActionItem
from hindsight.store.unit_of_work import UnitOfWork, utc_now
from hindsight.trackers.base import Issue, NewIssue, Tracker
from hindsight.trackers.factory import configured

TRACKER_SYNC = "hindsight tracker sync"
LABEL = "postmortem"


@dataclass
class SyncReport:
    opened: list[tuple[int, str]] = field(default_factory=list)  # (item, url)
    relinked: list[tuple[int, str]] = field(default_factory=list)  # found again by marker
    moved: list[tuple[int, str, str]] = field(default_factory=list)  # (item, from, to)
    closed: list[tuple[int, str]] = field(default_factory=list)  # closed in the tracker
    unchanged: int = 0


def permalink(public_url: str, slug: str) -> str:
    return f"{public_url.rstrip('/')}/incidents/{slug}"


def new_issue(item: StoredActionItem, public_url: str) -> NewIssue:
    due = due_date(item.due)
    link = permalink(public_url, item.incident)
    body = "\n".join(
        [
            f"**Owner:** {item.owner or 'not assigned yet'}",
            f"**Type:** {item.type or 'not given'}",
            f"**Due:** {due.isoformat() if due else item.due or 'not given'}",
            f"**Incident:** [{item.incident}]({link})",
            "",
            f"An action item from the postmortem of {item.incident}. Close this issue when it "
            "is done, or close it as not planned if it will not be done: Hindsight reads the "
            "state back.",
            "",
            hidden_marker(item.id),
        ]
    )
    labels = (LABEL, item.type) if item.type in ACTION_TYPES else (LABEL,)
    return NewIssue(item.action[:250], body, labels, due, marker(item.id))


def link_issue(uow: UnitOfWork, item_id: int, ref: TrackerRef) -> bool:
    """Write the issue's link into the item's Tracking cell as a new postmortem version by
    the tracker sync; False when the item already links it."""
    assert ref.url is not None
    with uow:
        item = uow.action_items.get(item_id)
        if item is None:
            raise NotFoundError(f"action item {item_id} was removed during the sync")
        if item.tracker_url == ref.url:
            return False
        incident = uow.incidents.get(item.incident_id)
        current = uow.postmortems.get(item.postmortem_id)
        assert incident is not None and current is not None
        text = with_tracking(current.markdown, item.position, item.action, ref.url)
        save_version_in(uow, incident, current, text, author=TRACKER_SYNC, now=utc_now())
        uow.commit()
    return True


def sync_trackers(
    uow: UnitOfWork,
    tracker: Tracker,
    *,
    public_url: str,
    incident: int | str | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> SyncReport:
    report = SyncReport()
    for item in list_action_items(uow, ItemFilter(incident=incident)):
        if item.tracking or item.status != ActionStatus.OPEN.value:
            continue  # tracked already (here or elsewhere), or nothing left to do
        found = tracker.find_marked(marker(item.id))
        issue = found[0] if found else tracker.create(new_issue(item, public_url))
        link_issue(uow, item.id, issue.ref)
        (report.relinked if found else report.opened).append((item.id, str(issue.ref.url)))
        say(f"{item.id}\t{'found again' if found else 'opened'}\t{issue.ref.url}\t{item.action}")
    for item in list_action_items(uow, ItemFilter(incident=incident)):
        if item.tracker_provider != tracker.name or not item.tracker_key:
            continue
        issue = tracker.read(item.tracker_key)
        if issue.status is ActionStatus.OPEN and item.status != ActionStatus.OPEN.value:
            # Closed here, still open there: close it there, as done or as not planned.
            tracker.close(item.tracker_key, ActionStatus(item.status))
            report.closed.append((item.id, str(issue.ref.url)))
            say(f"{item.id}\tclosed there as {item.status}\t{issue.ref.url}\t{item.action}")
        elif _pull(uow, item, issue):
            report.moved.append((item.id, item.status, issue.status.value))
            say(f"{item.id}\t{item.status} → {issue.status.value}\t{issue.ref.url}\t{item.action}")
        else:
            report.unchanged += 1
    return report


def _pull(uow: UnitOfWork, item: StoredActionItem, issue: Issue) -> bool:
    """A closed issue closes its item (an open issue never reopens a closed item: the sync
    closes that issue instead; reopening is the tracker's webhook's to say)."""
    if issue.status is ActionStatus.OPEN or issue.status.value == item.status:
        return False
    reason = (
        (issue.reason or f"closed in {issue.ref.provider}")
        if issue.status is ActionStatus.NOT_DOING
        else None
    )
    with uow:
        current = uow.action_items.get(item.id)
        if current is None:
            return False
        after = apply_status(uow, current, issue.status, reason, actor=TRACKER_SYNC, now=utc_now())
        uow.commit()
    return after is not current


def sync_configured(
    uow: UnitOfWork,
    settings: Settings,
    *,
    incident: int | str | None = None,
    say: Callable[[str], None] = lambda _: None,
) -> tuple[str, SyncReport]:
    """`sync_trackers` with the tracker the settings name (HINDSIGHT_TRACKER), over a client
    of its own: what `hindsight actions sync` runs. Returns the tracker's name and the report."""
    with httpx.Client(timeout=settings.tracker_timeout_s) as client:
        tracker = configured(settings, client)
        report = sync_trackers(
            uow, tracker, public_url=settings.public_url, incident=incident, say=say
        )
    return tracker.name, report
