"""Slack's message markup → plain text: mentions resolved, links parsed, entities unescaped.

Slack escapes only `&`, `<` and `>` in `text`; everything in angle brackets is markup
(`<@U…>`, `<#C…|name>`, `<!here>`, `<https://…|label>`). Unescaping happens after the markup
is read, so an escaped `&lt;` in prose never becomes markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_MARKUP = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class SlackText:
    text: str
    mentions: tuple[str, ...]  # user ids, in order of first mention
    links: tuple[str, ...]


def unescape(value: str) -> str:
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def render(raw: str, users: Mapping[str, str]) -> SlackText:
    mentions: list[str] = []
    links: list[str] = []

    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        target, _, label = body.partition("|")
        if target.startswith("@"):
            user = target[1:]
            if user not in mentions:
                mentions.append(user)
            return "@" + (users.get(user) or label or user)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            special = target[1:].split("^", 1)[0]
            return "@" + (label or special).lstrip("@")
        url = unescape(target)
        links.append(url)
        shown = unescape(label)
        return f"{shown} ({url})" if shown and shown != url else url

    parts: list[str] = []
    last = 0
    for match in _MARKUP.finditer(raw):
        parts.append(unescape(raw[last : match.start()]))
        parts.append(replace(match))
        last = match.end()
    parts.append(unescape(raw[last:]))
    text = "".join(parts)
    return SlackText(text=text.strip(), mentions=tuple(mentions), links=tuple(links))
