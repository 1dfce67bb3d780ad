"""Slack: a workspace export (zip, or a folder packed with `zip_files`) and Events API
`message` events.

Both paths key a message by (channel id, ts), so a message seen live and again in the export
is stored once; the export's copy wins because it has the final (edited) text and the users'
names. User ids become names, markup becomes text, thread replies point at their parent, and
join/leave and other housekeeping subtypes are dropped.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hindsight.core.events import Actor, Event, EventKind
from hindsight.sources import slack_text
from hindsight.sources.base import MAX_PAYLOAD_BYTES, NO_KEYS, SourceError, subject_keys
from hindsight.sources.reading import (
    arr,
    check_size,
    epoch,
    listed,
    load_json,
    obj,
    opt_obj,
    opt_text,
    pointer,
    req,
    slack_ts,
    text,
)
from hindsight.sources.webhook import (
    Delivery,
    Payload,
    Refusal,
    Reply,
    Secrets,
    Webhook,
    mac,
    matches_any,
    mismatch,
    missing,
    within_window,
)

SIGNATURE = "X-Slack-Signature"
TIMESTAMP = "X-Slack-Request-Timestamp"


def verify(delivery: Delivery, secrets: Secrets) -> None:
    """`X-Slack-Signature: v0=hex(HMAC(secret, "v0:" + ts + ":" + body))`, with
    `X-Slack-Request-Timestamp` within the replay window of the server's clock."""
    given = delivery.headers.get(SIGNATURE.lower())
    if not given:
        raise missing(SIGNATURE, delivery.source)
    stamp = within_window(
        delivery.headers.get(TIMESTAMP.lower()), TIMESTAMP, delivery, secrets.replay_window_s
    )
    base = b"v0:" + stamp.encode() + b":" + delivery.body
    if not matches_any(["v0=" + mac(secret, base) for secret in secrets.values], [given.strip()]):
        raise mismatch(SIGNATURE, delivery.source)


def prepare(delivery: Delivery) -> Reply | Payload:
    """Answer `url_verification` (sent when the app's request URL is set) with its challenge;
    anything else is a payload for the parser."""
    if b'"url_verification"' not in delivery.body:  # cheap: most deliveries are messages
        return Payload(delivery.body)
    body = load_json("challenge", delivery.body)
    if isinstance(body, dict) and body.get("type") == "url_verification":
        answer = body.get("challenge")
        if not isinstance(answer, str) or not answer:
            raise Refusal(422, "url_verification without a challenge", fix="send Slack's challenge")
        return Reply({"challenge": answer})
    return Payload(delivery.body)


# Housekeeping, not evidence: who joined, who left, what the channel is called.
NOISE_SUBTYPES = frozenset(
    {
        "channel_join",
        "channel_leave",
        "group_join",
        "group_leave",
        "bot_add",
        "bot_remove",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "pinned_item",
        "unpinned_item",
        "reminder_add",
        "message_deleted",
        "tombstone",
    }
)
_DAY_FILE = re.compile(r"(?:(.*)/)?([^/]+)/(\d{4}-\d{2}-\d{2})\.json")
_MAX_FILES = 100_000

FIDELITY_LIVE = 1
FIDELITY_EDITED = 2
FIDELITY_EXPORT = 3


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """Pack an unpacked export's files (path → bytes) as a zip, deterministically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=(2000, 1, 1, 0, 0, 0))
            archive.writestr(info, files[path])
    return buffer.getvalue()


class _Users:
    def __init__(self, names: dict[str, str], bots: set[str]) -> None:
        self.names = names
        self.bots = bots

    def actor(self, message: dict[str, Any]) -> Actor | None:
        user = message.get("user")
        user = user if isinstance(user, str) else None  # a hostile body may put anything here
        profile = message.get("user_profile") or message.get("bot_profile") or {}
        is_bot = bool(
            message.get("bot_id") or message.get("subtype") == "bot_message" or user in self.bots
        )
        name = (
            (self.names.get(user) if isinstance(user, str) else None)
            or _profile_name(profile)
            or message.get("username")
            or user
        )
        return Actor(str(name), is_bot=is_bot) if name and not str(name).isspace() else None


# A user (U…, W… on Enterprise Grid), bot (B…) or channel (C…, G…) id, as Slack writes them.
_ID = re.compile(r"[UWBCG][A-Z0-9]{6,20}")
_NAMED = re.compile(r"(?<![\w])([@#]?)([UWBCG][A-Z0-9]{6,20})(?![\w])")


@dataclass(frozen=True)
class ToldNames:
    """What one payload says ids are called: its members' and its channels' names."""

    users: dict[str, str]
    channels: dict[str, str]

    @property
    def shown(self) -> dict[str, str]:
        """Every id → name worth keeping: Slack's own ids only (a hostile body may put anything
        in them), names cut to what the store keeps."""
        found = self.users | self.channels
        return {k: v[:200] for k, v in found.items() if _ID.fullmatch(k)}

    def kind(self, ident: str) -> str:
        return "channel" if ident in self.channels else "user"


def name_ids(event: Event, names: Mapping[str, str]) -> Event:
    """The event with the user and channel ids it shows (its author, its channel, its
    mentions) in the names `names` knows; ids it does not know stay as they are. A live
    message carries only ids; the names come from an export or other live events."""
    if event.source != "slack" or not names:
        return event

    def named(match: re.Match[str]) -> str:
        found = names.get(match.group(2))
        return match.group(0) if found is None else match.group(1) + found

    shown = _NAMED.sub(named, event.text)
    actor = event.actor
    if actor is not None and actor.name in names:
        actor = Actor(names[actor.name], is_bot=actor.is_bot)
    if shown == event.text and actor is event.actor:
        return event
    return dataclasses.replace(event, text=shown, actor=actor)


def shown_ids(event: Event) -> set[str]:
    """The Slack ids `event` shows, which `name_ids` could name."""
    if event.source != "slack":
        return set()
    found = {m.group(2) for m in _NAMED.finditer(event.text)}
    if event.actor is not None and _ID.fullmatch(event.actor.name):
        found.add(event.actor.name)
    return found


def _profile_name(profile: Any) -> str | None:
    if not isinstance(profile, dict):
        return None
    for key in ("display_name", "real_name", "name"):
        value = profile.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def message_event(
    message: dict[str, Any],
    *,
    channel_id: str,
    channel_name: str,
    users: _Users,
    name: str,
    path: str,
    raw: str,
    fidelity: int,
) -> Event | None:
    """One Slack message as an event, or None for housekeeping noise."""
    subtype = message.get("subtype")
    if isinstance(subtype, str) and subtype in NOISE_SUBTYPES:
        return None
    ts = text(message, "ts", name, path)
    at = slack_ts(ts, name, f"{path}.ts")
    body = message.get("text", "")
    if not isinstance(body, str):
        raise SourceError("expected a string", where=name, field=f"{path}.text")
    rendered = slack_text.render(body, users.names)
    extra = [
        f"[{a.get('fallback') or a.get('title') or a.get('text')}]"
        for a in listed(message.get("attachments"))
        if isinstance(a, dict) and (a.get("fallback") or a.get("title") or a.get("text"))
    ]
    files = listed(message.get("files")) + ([message["file"]] if message.get("file") else [])
    extra += [
        f"[file: {f.get('title') or f.get('name')}]"
        for f in files
        if isinstance(f, dict) and (f.get("title") or f.get("name"))
    ]
    words = " ".join(part for part in (rendered.text, *extra) if part)
    actor = users.actor(message)
    thread = message.get("thread_ts")
    reply = isinstance(thread, str) and thread != ts and subtype != "thread_broadcast"
    where = f"#{channel_name}" + (" (thread reply)" if reply else "")
    who = actor.name if actor else "someone"
    return Event(
        at=at,
        source="slack",
        kind=EventKind.CHAT_MESSAGE,
        key=f"slack:{channel_id}:{ts}",
        text=f"{who} in {where}: {words}",
        actor=actor,
        raw=raw,
        refs=(f"slack:{channel_id}:{thread}",) if reply else (),
        subject=f"slack:{channel_id}",
        fidelity=fidelity,
    )


class SlackSource:
    name = "slack"
    webhook = Webhook(
        summary="Slack Events API (v0 signature, 5-minute window; answers url_verification)",
        verify=verify,
        prepare=prepare,
        ignore_unplaced=True,
    )

    def names_told(self, name: str, data: bytes) -> ToldNames:
        """The user and channel names the payload tells, read once: an export's users.json,
        channels.json and groups.json; a live channel created or renamed (what the naming
        convention reads to find an incident's channel), a member who joined or changed their
        profile, a message that carries its author's profile."""
        if data[:4] == b"PK\x03\x04":
            files = _unzip(name, data)
            prefix = _export_root(name, files)
            users = _read_users(name, files, prefix)
            channels = _read_channels(name, files, prefix, users)
            return ToldNames(users.names, {i: folder for folder, (i, _) in channels.items()})
        body = obj(load_json(name, data), name, "")
        event = body.get("event")
        if body.get("type") != "event_callback" or not isinstance(event, dict):
            return ToldNames({}, {})
        told: dict[str, str] = {}
        if event.get("type") in ("channel_created", "channel_rename"):
            channel = obj(req(event, "channel", name, "event"), name, "event.channel")
            where = "event.channel"
            told[text(channel, "id", name, where)] = text(channel, "name", name, where)
        members: dict[str, str] = {}
        member = event.get("user")
        if event.get("type") in ("user_change", "team_join") and isinstance(member, dict):
            member_id, shown = member.get("id"), _profile_name(member.get("profile"))
            shown = shown or member.get("real_name") or member.get("name")
            if isinstance(member_id, str) and isinstance(shown, str) and shown.strip():
                members[member_id] = shown
        message = event.get("message") if event.get("subtype") == "message_changed" else event
        if isinstance(message, dict) and isinstance(message.get("user"), str):
            shown = _profile_name(message.get("user_profile"))
            if shown and shown.strip():
                members[message["user"]] = shown
        return ToldNames(members, told)

    def chat_names(self, name: str, data: bytes) -> dict[str, str]:
        """User and channel id → the name people know it by, as the payload tells them."""
        return self.names_told(name, data).shown

    def detect(self, name: str, data: bytes) -> bool:
        if data[:4] == b"PK\x03\x04":
            return True
        return b'"event_callback"' in data or b'"url_verification"' in data

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        if data[:4] == b"PK\x03\x04":
            return self.parse_export(name, _unzip(name, data))
        return self.parse_event(name, obj(load_json(name, data), name, ""))

    def parse_event(self, name: str, payload: dict[str, Any]) -> tuple[Event, ...]:
        kind = text(payload, "type", name, "")
        if kind == "url_verification":
            return ()
        if kind != "event_callback":
            raise SourceError(
                f"{kind!r} is not an Events API payload (event_callback)", where=name, field="type"
            )
        event = obj(req(payload, "event", name, ""), name, "event")
        event_type = text(event, "type", name, "event")
        if event_type != "message":  # valid but not modelled: kept as a generic event
            event_id = text(payload, "event_id", name, "")
            at = epoch(req(payload, "event_time", name, ""), name, "event_time", unit="s")
            return (
                Event(
                    at=at,
                    source=self.name,
                    kind=EventKind.OTHER,
                    key=f"slack:event:{event_id}",
                    text=f"Slack {event_type} event",
                    raw=pointer(name, "event"),
                ),
            )
        channel = text(event, "channel", name, "event")
        message, path, fidelity = event, "event", FIDELITY_LIVE
        if event.get("subtype") == "message_changed":  # an edit: the new text replaces the old
            message = obj(req(event, "message", name, "event"), name, "event.message")
            path, fidelity = "event.message", FIDELITY_EDITED
        found = message_event(
            message,
            channel_id=channel,
            channel_name=channel,
            users=_Users({}, set()),
            name=name,
            path=path,
            raw=pointer(name, *path.split(".")),
            fidelity=fidelity,
        )
        return () if found is None else (found,)

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        # A live message names its channel (`slack:<channel id>`): once a channel belongs to
        # an incident (set by a person, the incident's Slack link or the naming convention),
        # its messages join it. An export's channels bind nothing: a workspace export holds
        # every channel, most of them no incident's.
        if payload[:4] == b"PK\x03\x04":
            return NO_KEYS
        return subject_keys(events)

    def parse_export(self, name: str, files: Mapping[str, bytes]) -> tuple[Event, ...]:
        prefix = _export_root(name, files)
        users = _read_users(name, files, prefix)
        channels = _read_channels(name, files, prefix, users)
        events: list[Event] = []
        seen_channels: set[str] = set()
        for path in sorted(files):
            match = _DAY_FILE.fullmatch(path)
            if match is None or (match.group(1) or "") != prefix.rstrip("/"):
                continue
            folder, day = match.group(2), match.group(3)
            channel_id, created = channels.get(folder, (folder, None))
            where = f"{name}:{path}"
            messages = arr(load_json(where, files[path]), where, "")
            for i, item in enumerate(messages):
                message = obj(item, where, f"[{i}]")
                found = message_event(
                    message,
                    channel_id=channel_id,
                    channel_name=folder,
                    users=users,
                    name=where,
                    path=f"[{i}]",
                    raw=pointer(name, folder, f"{day}.json", i),
                    fidelity=FIDELITY_EXPORT,
                )
                if found is not None:
                    events.append(found)
            if folder not in seen_channels and created is not None:
                seen_channels.add(folder)
                events.append(created)
        return tuple(events)


def _unzip(name: str, data: bytes) -> dict[str, bytes]:
    check_size(name, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
            if len(infos) > _MAX_FILES:
                raise SourceError(f"{len(infos):,} files in the export is too many", where=name)
            total = sum(i.file_size for i in infos)
            if total > 4 * MAX_PAYLOAD_BYTES:  # a zip bomb is not an export
                raise SourceError(f"export unpacks to {total:,} bytes; too large", where=name)
            return {i.filename: archive.read(i) for i in infos if i.filename.endswith(".json")}
    except (zipfile.BadZipFile, EOFError) as error:
        raise SourceError(f"not a readable zip ({error})", where=name) from None


def _export_root(name: str, files: Mapping[str, bytes]) -> str:
    """The folder inside the archive that holds users.json/channels.json ("" at the top)."""
    roots = sorted(
        (p[: -len("channels.json")] for p in files if p.rsplit("/", 1)[-1] == "channels.json"),
        key=len,
    )
    if not roots:
        raise SourceError(
            "channels.json is missing: not a Slack workspace export",
            where=name,
            field="channels.json",
        )
    return roots[0]


def _read_users(name: str, files: Mapping[str, bytes], prefix: str) -> _Users:
    names: dict[str, str] = {}
    bots: set[str] = set()
    for file in ("users.json", "org_users.json"):
        if prefix + file not in files:
            continue
        where = f"{name}:{prefix}{file}"
        for i, item in enumerate(arr(load_json(where, files[prefix + file]), where, "")):
            user = obj(item, where, f"[{i}]")
            user_id = text(user, "id", where, f"[{i}]")
            profile = opt_obj(user, "profile", where, f"[{i}]")
            shown = (
                _profile_name(profile)
                or opt_text(user, "real_name", where, f"[{i}]")
                or opt_text(user, "name", where, f"[{i}]")
            )
            if shown:
                names[user_id] = shown
            if user.get("is_bot") or profile.get("bot_id"):
                bots.add(user_id)
    return _Users(names, bots)


def _read_channels(
    name: str, files: Mapping[str, bytes], prefix: str, users: _Users
) -> dict[str, tuple[str, Event | None]]:
    """Folder name → (channel id, the channel-created event)."""
    out: dict[str, tuple[str, Event | None]] = {}
    for file in ("channels.json", "groups.json"):
        if prefix + file not in files:
            continue
        where = f"{name}:{prefix}{file}"
        for i, item in enumerate(arr(load_json(where, files[prefix + file]), where, "")):
            channel = obj(item, where, f"[{i}]")
            channel_id = text(channel, "id", where, f"[{i}]")
            channel_name = text(channel, "name", where, f"[{i}]")
            created: Event | None = None
            if channel.get("created") is not None:
                at = epoch(channel["created"], where, f"[{i}].created", unit="s")
                purpose = opt_obj(channel, "purpose", where, f"[{i}]").get("value") or ""
                created = Event(
                    at=at,
                    source="slack",
                    kind=EventKind.STATUS_CHANGE,
                    key=f"slack:{channel_id}:created",
                    text=f"Channel #{channel_name} created"
                    + (f": {slack_text.unescape(str(purpose))}" if purpose else ""),
                    actor=users.actor({"user": channel.get("creator")}),
                    raw=pointer(name, file, i),
                    subject=f"slack:{channel_id}",
                )
            out[channel_name] = (channel_id, created)
    return out
