"""The drafted header: title, severity, date, duration, reporter, services, team and links.

A field is filled only from evidence; the rest keep the template's placeholder for a person.
Status starts at Draft; Author and Reviewers are always left to people.
"""

from __future__ import annotations

import re

from hindsight.core.document.model import FrontItem, HeaderField, Heading
from hindsight.core.document.template import HEADER_FIELDS, TITLE_PREFIX
from hindsight.core.drafting import phrases
from hindsight.core.drafting.facts import Facts, Part
from hindsight.core.drafting.provenance import HEADER, Citation
from hindsight.core.events import Event
from hindsight.core.timeline import Lane, lane_of

# The fields a draft owns: a refresh may rewrite them while nobody has edited the header.
DRAFTED_FIELDS = (
    "Severity",
    "Date of incident",
    "Duration",
    "Reported by",
    "Services affected",
    "Incident team",
    "Slack link",
    "Status page",
    "Issue tracker",
)
_SEVERITY = re.compile(r"\bSEV[- ]?([1-3])\b", re.IGNORECASE)
_TITLE_PLACEHOLDER = "<one-line description of what happened>"


def _severity(facts: Facts) -> tuple[str, Event] | None:
    for event in facts.timeline.events:
        found = _SEVERITY.search(event.text)
        if found:
            return f"SEV-{found.group(1)}", event
    return None


def incident_team(facts: Facts) -> list[tuple[str, str]]:
    """(name, key of the first event they acted in): people, not bots, in the response."""
    detection = facts.detection
    seen: dict[str, tuple[str, str]] = {}
    keys: dict[str, str] = {}
    for event in facts.timeline.events:
        if event.actor is None or event.actor.is_bot or lane_of(event) is Lane.CAUSE:
            continue
        if detection is not None and event.order < detection.order:
            continue
        person = keys.get(event.actor.name)
        if person is None:
            person = keys[event.actor.name] = phrases.person_key(event.actor.name)
        held = seen.get(person)
        name = event.actor.name
        if held is None:
            seen[person] = (name, event.key)
        elif " " not in held[0] and " " in name:  # prefer "Priya Raman" to "priya-raman"
            seen[person] = (name, held[1])
    return list(seen.values())


def _link(facts: Facts, test: re.Pattern[str]) -> tuple[str, Event] | None:
    for event in facts.timeline.events:
        if event.link and test.search(event.link):
            return event.link, event
    return None


_SLACK = re.compile(r"^https://[\w.-]*slack\.com/archives/", re.IGNORECASE)
_STATUS = re.compile(r"^https?://status\.", re.IGNORECASE)
_TRACKER = re.compile(r"^https?://[^/]+/(?:browse/[A-Z]+-\d+|.*/issues/\d+$)")


def title(facts: Facts) -> tuple[str, tuple[str, ...]] | None:
    detection = facts.detection
    if facts.settings.title:
        return f"{TITLE_PREFIX} {facts.settings.title}", ()
    if detection is None:
        return None
    services = [s for s, _ in facts.affected()][:3]
    text = f"{TITLE_PREFIX} {phrases.alert_name(detection)}"
    if services:
        text += f" on {', '.join(services)}"
    keys = [detection.key]
    if facts.window is not None and facts.start and facts.end:
        text += f" for {phrases.span_words(facts.window)}"
        keys += [facts.start.key, facts.end.key]
    return text, tuple(dict.fromkeys(keys))


def header_part(facts: Facts) -> Part:
    values: dict[str, tuple[str, tuple[str, ...]]] = {}
    given = facts.settings
    severity = _severity(facts)
    if given.severity:  # the incident's own: a person set it, or the postmortem said so
        values["Severity"] = (given.severity, ())
    elif severity:
        values["Severity"] = (severity[0], (severity[1].key,))
    start, end = facts.start, facts.end
    if start is not None:
        values["Date of incident"] = (phrases.day(start.at, facts.tz), (start.key,))
    if facts.window is not None and start is not None and end is not None:
        values["Duration"] = (phrases.hh_mm(facts.window), (start.key, end.key))
    reporter = phrases.reporter(facts.detection)
    if reporter and facts.detection is not None:
        values["Reported by"] = (reporter, (facts.detection.key,))
    affected = facts.affected()
    if affected:
        keys = tuple(dict.fromkeys(k for _, ks in affected for k in ks))
        named = [s for s, _ in affected]
        named += [s for s in given.services if s not in named]
        values["Services affected"] = (", ".join(named), keys)
    elif given.services:
        values["Services affected"] = (", ".join(given.services), ())
    team = incident_team(facts)
    if team:
        values["Incident team"] = (
            phrases.join_names([n for n, _ in team]),
            tuple(dict.fromkeys(k for _, k in team)),
        )
    for key, pattern in (
        ("Slack link", _SLACK),
        ("Status page", _STATUS),
        ("Issue tracker", _TRACKER),
    ):
        found = _link(facts, pattern)
        if found:
            values[key] = (found[0], (found[1].key,))
    if given.slack_link and "Slack link" not in values:
        values["Slack link"] = (given.slack_link, ())
    drafted_title = title(facts)
    items: list[FrontItem] = [
        Heading(drafted_title[0] if drafted_title else f"{TITLE_PREFIX} {_TITLE_PLACEHOLDER}")
    ]
    citations: list[Citation] = []
    if drafted_title and drafted_title[1]:
        citations.append(Citation(HEADER, drafted_title[0], drafted_title[1]))
    for spec in HEADER_FIELDS:
        if spec.key == "Status":
            items.append(HeaderField(spec.key, "Draft"))
        elif spec.key in values:
            value, keys = values[spec.key]
            items.append(HeaderField(spec.key, value))
            if keys:  # a field from the incident's own record cites no event
                citations.append(Citation(HEADER, f"{spec.key}: {value}", keys))
        else:
            items.append(HeaderField(spec.key, spec.placeholder))
    return Part(HEADER, tuple(items), tuple(citations))
