"""The names behind a chat tool's ids: learned from every payload that tells them (an export's
users.json and channels.json, a live channel created or renamed, a member's profile) and shown
in place of the ids whenever an incident's events are read, so a live message stored as
"U01… in #C07…" reads "Priya in #inc-…" however the deliveries were ordered. Events are
stored as they came; only what is shown is named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from hindsight.core.events import Event
from hindsight.sources import get_source
from hindsight.sources.slack import SlackSource, ToldNames, name_ids, shown_ids

if TYPE_CHECKING:  # the file commands use `FileNames` without loading the store
    from hindsight.store.unit_of_work import UnitOfWork

SLACK = "slack"


def told_names(source: str, name: str, payload: bytes) -> ToldNames | None:
    """What the payload says ids are called (None for a tool that is not a chat)."""
    told = getattr(get_source(source), "names_told", None)
    return told(name, payload) if told is not None else None


def learn_chat_names(uow: UnitOfWork, source: str, told: ToldNames | None) -> int:
    """Keep the names `told` (inside an open uow); how many were new or changed."""
    shown = told.shown if told is not None else {}
    if not shown:
        return 0
    assert told is not None
    named = {ident: (told.kind(ident), value) for ident, value in shown.items()}
    return uow.chat_names.learn(source, named, dt.datetime.now(dt.UTC))


def with_chat_names(uow: UnitOfWork, events: Sequence[Event]) -> list[Event]:
    """`events` with the chat ids they show named (inside an open uow)."""
    wanted = set().union(*(shown_ids(e) for e in events)) if events else set()
    if not wanted:
        return list(events)
    names = uow.chat_names.lookup(SLACK, wanted)
    return [name_ids(e, names) for e in events] if names else list(events)


class FileNames:
    """Files, not a store: the names the Slack payloads among a run's files tell (a folder
    holding live deliveries next to the workspace export), gathered while they are read."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self._slack = SlackSource()

    def read(self, name: str, data: bytes) -> None:
        if self._slack.detect(name, data):
            self.names.update(self._slack.chat_names(name, data))

    def apply(self, events: Iterable[Event]) -> list[Event]:
        listed = list(events)
        return [name_ids(e, self.names) for e in listed] if self.names else listed
