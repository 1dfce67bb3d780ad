"""The tracker sync as a service, on SQLite and PostgreSQL, against the GitHub stand-in:
one issue per item however often it runs, links saved as revisions by the tracker sync,
states pulled, and a tracker error that leaves the store as it was."""

from __future__ import annotations

import httpx
import pytest

from hindsight.services.action_items import ItemFilter, list_action_items, set_status
from hindsight.services.incidents import create_incident
from hindsight.services.postmortems import postmortem_history, start_postmortem
from hindsight.services.tracker_sync import TRACKER_SYNC, sync_trackers
from hindsight.store.unit_of_work import UnitOfWork
from hindsight.trackers import TrackerError
from hindsight.trackers.github import GitHubTracker
from tests.services.test_action_items import save
from tests.trackers.standin import TOKEN, Issue, StandIn, standin


def incident(uow: UnitOfWork, state: StandIn) -> str:
    made = create_incident(uow, title="Pool exhausted", services=("db",))
    start_postmortem(uow, made.slug, author="priya")
    state.issues.append(Issue(1, "Old", "tracked by hand", []))
    save(
        uow,
        made.slug,
        f"""| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| priya | Add a CI test for pool limits | prevent | 2026-04-01 | |
| jonas | Alert on pool saturation | detect | 2026-03-01 | |
| ana | Resize the pool | mitigate | 2026-03-05 | {state.url_of(state.issues[0])} |
""",
    )
    return made.slug


def test_push_link_pull_and_run_again(uow: UnitOfWork) -> None:
    with standin("github") as state, httpx.Client() as client:
        slug = incident(uow, state)
        (priya,) = list_action_items(uow, ItemFilter(incident=slug, owner="priya"))
        set_status(uow, priya.id, "done", actor="priya")  # done: no issue for it
        tracker = GitHubTracker(
            client, api_url=f"{state.base}/api/v3", repo=state.repo, token=TOKEN
        )
        report = sync_trackers(uow, tracker, public_url="https://hs.example/", incident=slug)
        assert [title for title in (i.title for i in state.issues)] == [
            "Old",
            "Alert on pool saturation",
        ]
        assert len(report.opened) == 1 and report.relinked == [] and report.moved == []
        assert "https://hs.example/incidents/" + slug in state.issues[1].body
        (jonas,) = list_action_items(uow, ItemFilter(incident=slug, owner="jonas"))
        assert (
            jonas.tracker_url == state.url_of(state.issues[1])
            and jonas.tracker_provider == "github"
        )
        assert postmortem_history(uow, slug)[-1].author == TRACKER_SYNC

        state.close(1, "completed")
        again = sync_trackers(uow, tracker, public_url="https://hs.example/", incident=slug)
        assert again.opened == [] and len(state.issues) == 2
        assert [m[1:] for m in again.moved] == [("open", "done")]
        (ana,) = list_action_items(uow, ItemFilter(incident=slug, owner="ana"))
        assert ana.status == "done" and ana.closed_at is not None


def test_a_tracker_error_saves_nothing(uow: UnitOfWork) -> None:
    with standin("github") as state, httpx.Client() as client:
        slug = incident(uow, state)
        versions = len(postmortem_history(uow, slug))
        state.fail_next = (422, {}, {"message": "Validation Failed"})
        tracker = GitHubTracker(
            client, api_url=f"{state.base}/api/v3", repo=state.repo, token=TOKEN
        )
        with pytest.raises(TrackerError, match=r"422.*Validation Failed"):
            sync_trackers(uow, tracker, public_url="https://hs.example", incident=slug)
        assert len(postmortem_history(uow, slug)) == versions
        assert all(
            i.tracking is None or i.owner == "ana"
            for i in list_action_items(uow, ItemFilter(incident=slug))
        )
