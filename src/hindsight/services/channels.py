"""The incident channel: which Slack channel belongs to which incident, so its live messages
join the incident by themselves.

A channel is bound to an incident as a correlation key (`slack:<channel id>`, the key the
Slack source gives every live message): by a person (`hindsight incident set SLUG
--slack-channel C…`, the API, the UI), by the postmortem's Slack link, or by the naming
convention (`inc-<date>-<service>`, `HINDSIGHT_SLACK_CHANNEL_PATTERN`) when a channel's name is
seen (an Events API `channel_created`, an export's channels.json).
"""

from __future__ import annotations

import datetime as dt
import re

from hindsight.core.channels import (
    DEFAULT_PATTERN,
    Candidate,
    channel_from_link,
    channel_key,
    incident_for,
    read_channel_name,
)
from hindsight.core.errors import UserError
from hindsight.services.incidents import find_incident
from hindsight.store.records import Incident
from hindsight.store.unit_of_work import UnitOfWork, utc_now

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")


def check_channel_id(value: str) -> str:
    channel = value.strip().lstrip("#")
    found = channel_from_link(channel) or channel
    if not _CHANNEL_ID.match(found):
        raise UserError(
            f"{value!r} is not a Slack channel id",
            fix="give the channel's id (C… or G…, in Slack: channel details → About), or its "
            "link https://…slack.com/archives/C…",
        )
    return found


def bind_channel_in(
    uow: UnitOfWork, incident: Incident, channel_id: str, *, actor: str, how: str
) -> bool:
    """Bind the channel to the incident inside an open uow; whether it changed (audited). The
    incident's Slack channel (where announcements go) becomes it when it has none."""
    if not uow.incidents.bind_key(incident.id, channel_key(channel_id)):
        return False
    if incident.slack_channel is None:
        uow.incidents.update(incident.id, {"slack_channel": channel_id}, utc_now())
    uow.audit.add(
        at=utc_now(),
        actor=actor,
        action="incident.channel",
        incident_id=incident.id,
        detail={"channel": channel_id, "by": how},
    )
    return True


def bind_channel(uow: UnitOfWork, ref: int | str, channel: str, *, actor: str) -> Incident:
    """A person's word: this channel is the incident's."""
    channel_id = check_channel_id(channel)
    with uow:
        incident = find_incident(uow, ref)
        if bind_channel_in(uow, incident, channel_id, actor=actor, how="set"):
            uow.commit()
    return incident


def channel_from_slack_link(link: str | None) -> str | None:
    return channel_from_link(link) if link else None


def learn_channel_names(
    uow: UnitOfWork, names: dict[str, str], *, pattern: str = DEFAULT_PATTERN, actor: str
) -> int:
    """Bind every channel whose name follows the convention to the one incident it names
    (inside an open uow); how many were bound."""
    bound = 0
    for channel_id, name in names.items():
        read = read_channel_name(name, pattern)
        if read is None or uow.incidents.by_keys([channel_key(channel_id)]) is not None:
            continue
        start = dt.datetime.combine(read.day, dt.time(), dt.UTC)
        found = uow.incidents.active_opened_between(start, start + dt.timedelta(days=1))
        chosen = incident_for(read, [Candidate(i.id, i.opened.date(), i.services) for i in found])
        incident = next((i for i in found if i.id == chosen), None)
        if incident is not None and bind_channel_in(
            uow, incident, channel_id, actor=actor, how=f"name #{name}"
        ):
            bound += 1
    return bound
