"""Slack: export and Events API, names, markup, threads, edits, noise and bots."""

from __future__ import annotations

import io
import json
import zipfile

from hindsight.core.events import EventKind
from hindsight.core.timeline import build_timeline
from hindsight.sources.slack import SlackSource, zip_files
from hindsight.sources.slack_text import render
from tests.sources.helpers import parse, payload

EXPORT = "slack/export.zip"


def test_markup_is_resolved_and_entities_unescaped_once() -> None:
    got = render(
        "<@U1> see <https://x.example/a?b=1&amp;c=2|the graph> &amp;lt; &lt;3 <#C9|inc> <!here>",
        {"U1": "Priya Raman"},
    )
    assert got.text == (
        "@Priya Raman see the graph (https://x.example/a?b=1&c=2) &lt; <3 #inc @here"
    )
    assert got.mentions == ("U1",)
    assert got.links == ("https://x.example/a?b=1&c=2",)


def test_export_noise_is_dropped_and_names_resolved() -> None:
    events = parse("slack", EXPORT)
    texts = " ".join(e.text for e in events)
    assert "has joined the channel" not in texts and "has left" not in texts
    chat = [e for e in events if e.kind is EventKind.CHAT_MESSAGE]
    assert len(chat) == 6
    assert {e.actor.name for e in chat if e.actor} == {
        "Priya Raman",
        "Mei Lin",
        "Tomás",
        "deploybot",
    }
    assert "& the client wait queue climbing (>140)" in chat[1].text


def test_thread_reply_points_at_its_parent_and_bots_are_marked() -> None:
    events = {e.key: e for e in parse("slack", EXPORT)}
    reply = next(e for e in events.values() if "(thread reply)" in e.text)
    (parent_key,) = reply.refs
    assert parent_key in events and events[parent_key].text.startswith("Mei Lin")
    bot = next(e for e in events.values() if e.actor and e.actor.name == "deploybot")
    assert bot.actor is not None and bot.actor.is_bot
    assert "Rollback of checkout-api" in bot.text  # the attachment's text, not the empty text


def test_live_message_and_export_are_stored_once_with_the_exports_copy() -> None:
    live = parse("slack", "slack/events/01-message.json")
    edited = parse("slack", "slack/events/02-message-changed.json")
    export = parse("slack", EXPORT)
    timeline = build_timeline(live + edited + export)
    assert len(timeline.events) == len(export)
    assert {e.fidelity for e in timeline.events if e.kind is EventKind.CHAT_MESSAGE} == {3}


def test_edit_replaces_the_live_text() -> None:
    live = SlackSource().parse_event(
        "e.json",
        {
            "type": "event_callback",
            "event_id": "Ev1",
            "event": {
                "type": "message",
                "channel": "C1",
                "user": "U1",
                "text": "old",
                "ts": "1773500000.000100",
            },
        },
    )
    edit = SlackSource().parse_event(
        "e2.json",
        {
            "type": "event_callback",
            "event_id": "Ev2",
            "event": {
                "type": "message",
                "subtype": "message_changed",
                "channel": "C1",
                "ts": "1773500100.000000",
                "message": {"user": "U1", "text": "new", "ts": "1773500000.000100"},
            },
        },
    )
    (only,) = build_timeline(edit + live).events
    assert only.text.endswith(": new")


def test_url_verification_and_other_event_types() -> None:
    assert (
        SlackSource().parse("v.json", b'{"type":"url_verification","challenge":"x","token":"t"}')
        == ()
    )
    body = {
        "type": "event_callback",
        "event_id": "Ev9",
        "event_time": 1773500000,
        "event": {"type": "reaction_added", "user": "U1", "reaction": "eyes"},
    }
    (other,) = SlackSource().parse("r.json", json.dumps(body).encode())
    assert other.kind is EventKind.OTHER


def test_unpacked_folder_packed_as_zip_and_nested_root() -> None:
    with zipfile.ZipFile(io.BytesIO(payload(EXPORT))) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    nested = zip_files({f"My Workspace export/{k}": v for k, v in files.items()})
    assert [e.key for e in SlackSource().parse("n.zip", nested)] == [
        e.key for e in parse("slack", EXPORT)
    ]
