"""Slack ids named: what a payload tells about names, and an event shown with them."""

from __future__ import annotations

import json

from hindsight.core.events import Actor, Event, EventKind
from hindsight.samples import sample_evidence
from hindsight.sources.slack import SlackSource, name_ids, shown_ids

SLACK = SlackSource()
EVIDENCE = {name: data for _, name, data in sample_evidence()}


def _callback(event: dict[str, object]) -> bytes:
    return json.dumps({"type": "event_callback", "event_id": "Ev1", "event": event}).encode()


def _live_message() -> Event:
    (event,) = SLACK.parse("live.json", EVIDENCE["slack/events/01-message.json"])
    return event


def test_a_live_message_shows_ids_and_the_export_names_them() -> None:
    live = _live_message()
    assert live.text.startswith("U01PRIYA in #C07INC0314: ")
    assert shown_ids(live) == {"U01PRIYA", "C07INC0314"}
    names = SLACK.chat_names("export.zip", EVIDENCE["slack/export.zip"])
    assert names["U01PRIYA"] == "Priya Raman"
    assert names["C07INC0314"] == "inc-2026-03-14-checkout"
    named = name_ids(live, names)
    assert named.text.startswith("Priya Raman in #inc-2026-03-14-checkout: Opened for")
    assert named.actor == Actor("Priya Raman")
    assert (named.key, named.at, named.kind) == (live.key, live.at, live.kind)


def test_unknown_ids_other_sources_and_parts_of_words_stay() -> None:
    live = _live_message()
    assert name_ids(live, {"U09OTHER": "Someone"}) is live
    other = Event(
        at=live.at, source="github", kind=EventKind.OTHER, key="k", text="U01PRIYA merged"
    )
    assert name_ids(other, {"U01PRIYA": "Priya"}) is other
    assert shown_ids(other) == set()
    word = Event(
        at=live.at,
        source="slack",
        kind=EventKind.CHAT_MESSAGE,
        key="s",
        text="XU01PRIYA and U01PRIYAS and @U01PRIYA",
    )
    assert name_ids(word, {"U01PRIYA": "Priya"}).text == "XU01PRIYA and U01PRIYAS and @Priya"


def test_live_events_that_tell_names() -> None:
    joined = _callback(
        {"type": "team_join", "user": {"id": "U03MEILIN", "profile": {"display_name": "Mei"}}}
    )
    assert SLACK.chat_names("join.json", joined) == {"U03MEILIN": "Mei"}
    changed = _callback(
        {"type": "user_change", "user": {"id": "U03MEILIN", "real_name": "Mei Lin", "profile": {}}}
    )
    assert SLACK.chat_names("change.json", changed) == {"U03MEILIN": "Mei Lin"}
    renamed = _callback({"type": "channel_rename", "channel": {"id": "C0WAR1234", "name": "war"}})
    assert SLACK.chat_names("rename.json", renamed) == {"C0WAR1234": "war"}
    profiled = _callback(
        {
            "type": "message",
            "channel": "C0WAR1234",
            "user": "U04ANASILVA",
            "user_profile": {"display_name": "", "real_name": "Ana Silva"},
            "text": "hi",
            "ts": "1.0",
        }
    )
    assert SLACK.chat_names("m.json", profiled) == {"U04ANASILVA": "Ana Silva"}
    # A body that is not an event, or an id that is not Slack's, teaches nothing.
    assert SLACK.chat_names("v.json", b'{"type": "url_verification", "challenge": "x"}') == {}
    odd = _callback({"type": "team_join", "user": {"id": "nobody", "profile": {"name": "x"}}})
    assert SLACK.chat_names("odd.json", odd) == {}
