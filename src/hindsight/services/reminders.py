"""Follow-up reminders: the open items overdue or due soon, posted to Slack as one message
(`chat.postMessage` with a bot token), owners mentioned where HINDSIGHT_SLACK_USERS maps
them. Meant for a schedule (cron, a systemd timer, a CI job): `hindsight actions remind`.

Slack answers HTTP 200 with `{"ok": false, "error": …}` for most failures; those, HTTP 429
(with Retry-After) and network errors are explained as `UserError`s (exit 2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx

from hindsight.core.actions.reminders import (
    Reminder,
    due_reminders,
    parse_people,
    reminder_text,
)
from hindsight.core.errors import ConfigError, UserError
from hindsight.services.action_items import follow_ups
from hindsight.services.tracker_sync import permalink
from hindsight.settings import Settings
from hindsight.store.unit_of_work import UnitOfWork

SLACK_FIXES = {
    "invalid_auth": "the bot token was refused: check HINDSIGHT_SLACK_BOT_TOKEN",
    "not_authed": "no token reached Slack: set HINDSIGHT_SLACK_BOT_TOKEN",
    "token_revoked": "the bot token was revoked: install the app again and use its new token",
    "channel_not_found": "check HINDSIGHT_SLACK_REMINDER_CHANNEL (a channel id such as C0123)",
    "not_in_channel": "invite the bot to the channel (/invite @your-bot)",
    "missing_scope": "give the bot the chat:write scope and reinstall it",
}


@dataclass(frozen=True)
class Reminders:
    items: list[Reminder]
    text: str


def collect(uow: UnitOfWork, settings: Settings, today: dt.date) -> Reminders:
    items = due_reminders(follow_ups(uow), today, settings.reminder_due_soon_days)
    people = parse_people(settings.slack_users)
    links = {r.item.incident: permalink(settings.public_url, r.item.incident) for r in items}
    return Reminders(items, reminder_text(items, people, links))


def post(client: httpx.Client, settings: Settings, text: str) -> str:
    """Post `text` to the reminder channel; the message's `ts`."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    if not token:
        raise ConfigError(
            "no Slack bot token is set",
            where="HINDSIGHT_SLACK_BOT_TOKEN",
            fix="set it to the app's bot token (xoxb-…), or use --dry-run",
        )
    if not settings.slack_reminder_channel:
        raise ConfigError(
            "no channel to post reminders in",
            where="HINDSIGHT_SLACK_REMINDER_CHANNEL",
            fix="set it to the channel's id, e.g. C0123456789",
        )
    url = f"{settings.slack_api_url.rstrip('/')}/chat.postMessage"
    try:
        response = client.post(
            url,
            headers={"Authorization": f"Bearer {token}"},
            json={"channel": settings.slack_reminder_channel, "text": text, "unfurl_links": False},
        )
    except httpx.HTTPError as error:
        raise UserError(
            f"cannot reach Slack at {url}: {error}",
            where="slack",
            fix="check the network (or HINDSIGHT_SLACK_API_URL)",
        ) from None
    if response.status_code == 429:
        wait = response.headers.get("retry-after", "a few")
        raise UserError(
            f"Slack rate limit reached (429 to {url})",
            where="slack",
            fix=f"wait {wait} s and run the reminders again",
        )
    try:
        data = response.json()
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    if response.status_code != 200 or not data.get("ok"):
        said = str(data.get("error") or f"HTTP {response.status_code}")
        raise UserError(
            f"Slack refused the reminder: {said}",
            where="slack",
            fix=SLACK_FIXES.get(said, "see Slack's chat.postMessage errors"),
        )
    return str(data.get("ts", ""))
