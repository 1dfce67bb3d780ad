"""Status transitions, tracker references, row matching, markers, due dates, write-back."""

from __future__ import annotations

import datetime as dt

import pytest

from hindsight.core.actions import ActionStatus, parse_status, parse_tracking, transition
from hindsight.core.actions.due import due_date, is_due_soon, is_overdue
from hindsight.core.actions.marker import carries_marker, hidden_marker, marked_item, marker
from hindsight.core.actions.matching import Known, Row, match_rows
from hindsight.core.actions.writeback import with_tracking
from hindsight.core.document import parse
from hindsight.core.document.action_items import read_action_items
from hindsight.core.document.blank import blank_postmortem
from hindsight.core.document.render import render
from hindsight.core.errors import InputError

OPEN, DONE, NOT_DOING = ActionStatus.OPEN, ActionStatus.DONE, ActionStatus.NOT_DOING


def test_statuses_parse_and_not_doing_needs_a_reason() -> None:
    assert parse_status("not-doing") is NOT_DOING and parse_status(" Done ") is DONE
    with pytest.raises(InputError, match="not an action item status"):
        parse_status("closed")
    with pytest.raises(InputError, match="needs the reason"):
        transition(OPEN, NOT_DOING, "  ")
    assert transition(OPEN, NOT_DOING, " superseded ").reason == "superseded"
    with pytest.raises(InputError, match="not_doing only"):
        transition(OPEN, DONE, "because")
    assert transition(DONE, OPEN, None).status is OPEN  # reopening is allowed


@pytest.mark.parametrize(
    ("cell", "provider", "key"),
    [
        ("https://github.com/acme/web/issues/12", "github", "acme/web#12"),
        ("[#12](https://ghe.corp/acme/web/issues/12)", "github", "acme/web#12"),
        ("https://gitlab.com/grp/sub/proj/-/issues/7", "gitlab", "grp/sub/proj#7"),
        ("https://acme.atlassian.net/browse/OPS-31", "jira", "OPS-31"),
        ("OPS-31", None, "OPS-31"),
        ("#44", None, "#44"),
    ],
)
def test_tracking_cells_name_their_issue(cell: str, provider: str | None, key: str) -> None:
    ref = parse_tracking(cell)
    assert ref is not None and (ref.provider, ref.key) == (provider, key)


def test_a_cell_without_a_reference_is_none() -> None:
    assert parse_tracking("not yet") is None and parse_tracking(None) is None


def test_rows_keep_their_records_by_link_then_text_then_place() -> None:
    known = [
        Known(1, 1, "Add an alert on queue depth", tracker_url="https://github.com/a/b/issues/3"),
        Known(2, 2, "Write the runbook"),
        Known(3, 3, "Cap retries of the payment client at three"),
        Known(4, 4, "Removed later"),
    ]
    rows = [
        Row(1, "Write the runbook"),  # moved up
        Row(2, "Alert when the queue is deep", "https://github.com/a/b/issues/3"),  # reworded
        Row(3, "Cap retries of the payments client at 3"),  # reworded in place
        Row(4, "Something new entirely"),
    ]
    assert match_rows(known, rows) == [2, 1, 3, None]


def test_two_identical_rows_take_two_records() -> None:
    known = [Known(1, 1, "Same"), Known(2, 2, "Same")]
    assert match_rows(known, [Row(1, "same"), Row(2, "SAME")]) == [1, 2]


def test_markers_name_exactly_one_item() -> None:
    body = f"Owner: ana\n\n{hidden_marker(42)}"
    assert marked_item(body) == 42 and carries_marker(body, 42)
    assert not carries_marker(body, 4) and marked_item("no marker") is None
    assert marker(7) == "hindsight-action-item-7"


def test_due_dates_and_overdue() -> None:
    today = dt.date(2026, 3, 10)
    assert due_date("YYYY-MM-DD") is None and due_date("2026-02-30") is None
    assert due_date("by 2026-03-09 (Q1)") == dt.date(2026, 3, 9)
    assert is_overdue(OPEN, dt.date(2026, 3, 9), today)
    assert not is_overdue(OPEN, today, today) and not is_overdue(DONE, dt.date(2026, 1, 1), today)
    assert is_due_soon(OPEN, dt.date(2026, 3, 12), today, 3)
    assert not is_due_soon(OPEN, dt.date(2026, 3, 14), today, 3)


def test_the_template_row_is_no_item_and_placeholder_cells_read_empty() -> None:
    blank = render(blank_postmortem("Checkout down", date=dt.date(2026, 3, 1)))
    assert read_action_items(parse(blank)) == ()
    text = blank.replace(
        "| <name> | <…>",
        "| ana    | Add an alert on queue depth | prevent / detect / mitigate / process "
        "| YYYY-MM-DD | <issue link> |\n| <name> | <…>",
        1,
    )
    (item,) = read_action_items(parse(text))
    assert (item.action, item.owner, item.type, item.due, item.tracking) == (
        "Add an alert on queue depth",
        "ana",
        None,
        None,
        None,
    )


TABLE = """# Postmortem

## Action items

| Owner | Action | Type | Due | Tracking |
| ----- | ------ | ---- | --- | -------- |
| ana | Add an alert \\| page | detect | 2026-03-01 | |
| bo | Write the runbook | process | 2026-03-02 | OPS-1 |

- [ ] Check the other region
"""


def test_a_link_is_written_into_its_row_and_nothing_else_changes() -> None:
    url = "https://github.com/a/b/issues/9"
    out = with_tracking(TABLE, 1, "Add an alert \\| page", url)
    changed = [(a, b) for a, b in zip(TABLE.split("\n"), out.split("\n"), strict=True) if a != b]
    assert changed == [
        (
            "| ana | Add an alert \\| page | detect | 2026-03-01 | |",
            f"| ana | Add an alert \\| page | detect | 2026-03-01 | {url} |",
        )
    ]
    assert read_action_items(parse(out))[0].tracking == url
    bullet = with_tracking(TABLE, 3, "Check the other region", url)
    assert bullet.rstrip().endswith(f"Check the other region ({url})")
    with pytest.raises(InputError, match="no longer in the postmortem"):
        with_tracking(TABLE, 2, "Something else", url)
