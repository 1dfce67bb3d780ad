"""The seed template: the single source of truth for header fields and sections.

Everything that knows "which fields, in which order, with which allowed values" reads it from
here: the parser's aliases, the renderer's order, `hindsight new`, and the structure checks.
The text is the template block of the blameless-postmortem guide, with blank lines between blocks
and one addition the guide's own guidance asks for: a "Root cause and contributing factors"
section between "What went poorly" and "Five whys".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class SectionKind(StrEnum):
    SUMMARY = "summary"
    IMPACT = "impact"
    TIMELINE = "timeline"
    WENT_WELL = "went_well"
    WENT_POORLY = "went_poorly"
    ROOT_CAUSE = "root_cause"
    FIVE_WHYS = "five_whys"
    ACTION_ITEMS = "action_items"
    REFERENCES = "references"


@dataclass(frozen=True)
class FieldSpec:
    """One header field of the template, with the spellings teams use for it."""

    key: str
    placeholder: str
    allowed: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SectionSpec:
    kind: SectionKind
    title: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImpactSpec:
    key: str
    placeholder: str
    aliases: tuple[str, ...] = ()


STATUSES = ("Draft", "In review", "Published")
SEVERITIES = ("SEV-1", "SEV-2", "SEV-3")
REPORTERS = ("Team member", "Monitoring", "Support", "Customer")
ACTION_TYPES = ("prevent", "detect", "mitigate", "process")
TITLE_PREFIX = "Postmortem:"

HEADER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("Status", "Draft / In review / Published", STATUSES, ("State",)),
    FieldSpec("Severity", "SEV-1 / SEV-2 / SEV-3", SEVERITIES, ("Sev", "Severity level")),
    FieldSpec("Date of incident", "YYYY-MM-DD", (), ("Date", "Incident date", "Occurred")),
    FieldSpec("Duration", "<hh:mm>", (), ("Incident duration", "Length")),
    FieldSpec(
        "Reported by",
        "Team member / Monitoring / Support / Customer",
        REPORTERS,
        ("Detected by", "Reporter"),
    ),
    FieldSpec(
        "Services affected",
        "<service-a, service-b>",
        (),
        ("Affected services", "Services", "Systems affected", "Impacted services"),
    ),
    FieldSpec(
        "Incident team",
        "<names of everyone who actively participated>",
        (),
        ("Responders", "Participants", "Team"),
    ),
    FieldSpec("Author", "<name>", (), ("Authors", "Written by")),
    FieldSpec("Reviewers", "<names>", (), ("Reviewer", "Reviewed by")),
    FieldSpec("Slack link", "<thread / dedicated channel>", (), ("Slack", "Chat", "Channel")),
    FieldSpec("Status page", "<link to public status page incident>", (), ("Statuspage",)),
    FieldSpec(
        "Issue tracker",
        "<link to ticket / epic for follow-up work>",
        (),
        ("Tracker", "Ticket", "Epic"),
    ),
)

SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        SectionKind.SUMMARY,
        "Summary",
        ("Issue summary", "Incident summary", "Executive summary", "Overview", "TL;DR", "Abstract"),
    ),
    SectionSpec(
        SectionKind.IMPACT, "Impact", ("Customer impact", "User impact", "Business impact")
    ),
    SectionSpec(
        SectionKind.TIMELINE,
        "Timeline",
        (
            "Timeline of events",
            "Incident timeline",
            "Key events",
            "Events",
            "Timeline (all times UTC)",
            "Chronology",
            "Sequence of events",
        ),
    ),
    SectionSpec(SectionKind.WENT_WELL, "What went well", ("Things that went well", "Went well")),
    SectionSpec(
        SectionKind.WENT_POORLY,
        "What went poorly",
        (
            "What went wrong",
            "Things that went wrong",
            "Went poorly",
            "What could have gone better",
            "Lessons learned",
            "Lessons learnt",
        ),
    ),
    SectionSpec(
        SectionKind.ROOT_CAUSE,
        "Root cause and contributing factors",
        (
            "Root cause",
            "Root causes",
            "Root cause(s)",
            "Root cause analysis",
            "Contributing factors",
            "Causes",
            "Cause",
            "Root cause and contributing factor",
            "Root causes and contributing factors",
        ),
    ),
    SectionSpec(SectionKind.FIVE_WHYS, "Five whys", ("5 whys", "Five why's", "The five whys")),
    SectionSpec(
        SectionKind.ACTION_ITEMS,
        "Action items",
        (
            "Action item",
            "Actions",
            "Follow-ups",
            "Follow ups",
            "Followups",
            "Follow-up actions",
            "Next steps",
            "Corrective actions",
            "Remediation",
            "Corrective and preventative measures",
            "Corrective and preventive measures",
            "Remediations",
            "Mitigations and follow-ups",
        ),
    ),
    SectionSpec(
        SectionKind.REFERENCES,
        "Reference materials",
        ("References", "Supporting information", "Links", "Appendix", "Resources"),
    ),
)

IMPACT_FIELDS: tuple[ImpactSpec, ...] = (
    ImpactSpec("Users affected", "<number or %>", ("Customers affected", "Users impacted")),
    ImpactSpec(
        "Requests failed / degraded",
        "<count and as a fraction of total>",
        ("Requests failed", "Failed requests", "Requests degraded"),
    ),
    ImpactSpec(
        "Revenue impact (if known)", '<amount or "not measurable">', ("Revenue impact", "Revenue")
    ),
    ImpactSpec(
        "SLO budget consumed",
        "<% of monthly budget>",
        ("Error budget consumed", "SLO impact", "Error budget"),
    ),
    ImpactSpec(
        "Other systems affected",
        "<downstream services, customers, etc.>",
        ("Downstream impact", "Other systems"),
    ),
)

TIMEZONE_PLACEHOLDER = "All times in <timezone>. Use UTC if the responders span timezones."

# The template as a Markdown document: what `hindsight new` writes (with its title, severity
# and date substituted) and what `tests` compare against the guide, field for field.
TEMPLATE = """\
# Postmortem: <one-line description of what happened>

**Status:** Draft / In review / Published
**Severity:** SEV-1 / SEV-2 / SEV-3
**Date of incident:** YYYY-MM-DD
**Duration:** <hh:mm>
**Reported by:** Team member / Monitoring / Support / Customer
**Services affected:** <service-a, service-b>
**Incident team:** <names of everyone who actively participated>
**Author:** <name>
**Reviewers:** <names>
**Slack link:** <thread / dedicated channel>
**Status page:** <link to public status page incident>
**Issue tracker:** <link to ticket / epic for follow-up work>

## Summary

<2–4 sentences. What broke, who was affected, how long for, how it was fixed.
A reader who knows nothing about your system should understand the impact from this paragraph alone.>

## Impact

- **Users affected:** <number or %>
- **Requests failed / degraded:** <count and as a fraction of total>
- **Revenue impact (if known):** <amount or "not measurable">
- **SLO budget consumed:** <% of monthly budget>
- **Other systems affected:** <downstream services, customers, etc.>

## Timeline

All times in <timezone>. Use UTC if the responders span timezones.

- HH:MM — <event> (<source: alert / human / log>)
- HH:MM — <event>
- HH:MM — <event>
- HH:MM — Resolved.

## What went well

Things to keep doing. Easy to skip; resist.

- <e.g. responder paged in 90 seconds, runbook was current, rollback worked first try>

## What went poorly

- <e.g. status page update was 20 minutes late, no internal stakeholder comms,
  rollback path was undocumented>

## Root cause and contributing factors

<The root cause: the thing that, if it hadn't happened, the incident wouldn't have occurred.
Then the contributing factors: what made the impact worse or recovery harder.>

## Five whys

<[Read the Wikipedia article.](https://en.wikipedia.org/wiki/Five_whys) In a
nutshell: 5 consequential root-cause localization steps to overcome the
laziness and inertia of our brains and find the real issue we need to address.>

## Action items

| Owner  | Action                 | Type                                  | Due        | Tracking     |
| ------ | ---------------------- | ------------------------------------- | ---------- | ------------ |
| <name> | <verb-led description> | prevent / detect / mitigate / process | YYYY-MM-DD | <issue link> |
| <name> | <…>                    | …                                     | …          | …            |

Each action must have a single owner. "The team" is not an owner.

## Reference materials

All factual data — screenshots, command outputs, monitoring chart links,
log excerpts, deploy diffs — goes here for later investigation and analysis.

- <link or embed>
- <link or embed>
"""

ACTION_COLUMNS = ("Owner", "Action", "Type", "Due", "Tracking")


@lru_cache(maxsize=8192)  # pure, and called for every label and cell of every document
def normalise_label(text: str) -> str:
    """Case-, space- and punctuation-insensitive form of a heading or field label."""
    text = text.strip().strip("*_`").strip()
    text = re.sub(r"^[\d.\s)]+(?=[A-Za-z])", "", text)  # "3. Timeline" → "Timeline"
    text = text.replace("’", "'").replace("&", "and")
    text = re.sub(r"[\s:_\-–—/]+", " ", text)
    return text.strip(" .:").casefold()


_FIELD_BY_LABEL: dict[str, FieldSpec] = {}
for _spec in HEADER_FIELDS:
    for _label in (_spec.key, *_spec.aliases):
        _FIELD_BY_LABEL[normalise_label(_label)] = _spec

_SECTION_BY_LABEL: dict[str, SectionSpec] = {}
for _sspec in SECTIONS:
    for _label in (_sspec.title, *_sspec.aliases):
        _SECTION_BY_LABEL[normalise_label(_label)] = _sspec

_IMPACT_BY_LABEL: dict[str, ImpactSpec] = {}
for _ispec in IMPACT_FIELDS:
    for _label in (_ispec.key, *_ispec.aliases):
        _IMPACT_BY_LABEL[normalise_label(_label)] = _ispec


@lru_cache(maxsize=8192)
def field_spec(label: str) -> FieldSpec | None:
    return _FIELD_BY_LABEL.get(normalise_label(label))


@lru_cache(maxsize=8192)
def section_spec(heading: str) -> SectionSpec | None:
    found = _SECTION_BY_LABEL.get(normalise_label(heading))
    if found is None and "(" in heading:
        # "Timeline (all times approximate)", "Action items (as of 2024-03-01)"
        found = _SECTION_BY_LABEL.get(normalise_label(re.sub(r"\(.*?\)", " ", heading)))
    return found


@lru_cache(maxsize=8192)
def impact_spec(label: str) -> ImpactSpec | None:
    return _IMPACT_BY_LABEL.get(normalise_label(label))


def section_order(kind: SectionKind) -> int:
    return [s.kind for s in SECTIONS].index(kind)


def field_order(key: str) -> int:
    return [f.key for f in HEADER_FIELDS].index(key)


_PLACEHOLDER = re.compile(r"^<(?!https?:|mailto:|!--)[^<>]*>$", re.DOTALL)
# Inline HTML a postmortem may really contain; `<name>` or `<verb-led description>` is not HTML.
_HTML_TAG = re.compile(
    r"^</?(?:a|abbr|b|br|code|del|details|div|em|hr|i|img|ins|kbd|li|mark|ol|p|pre|s|small|"
    r"span|strong|sub|summary|sup|table|td|th|tr|u|ul|h[1-6])\b[^<>]*/?>$",
    re.IGNORECASE,
)
_TEMPLATE_VALUES = frozenset(
    {f.placeholder for f in HEADER_FIELDS}
    | {i.placeholder for i in IMPACT_FIELDS}
    | {"YYYY-MM-DD", "HH:MM", "hh:mm", "…", "...", "<…>"}
)


@lru_cache(maxsize=8192)
def is_placeholder(text: str) -> bool:
    """True for template text nobody has filled in: `<...>`, "YYYY-MM-DD", "Draft / In review / …"."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped in _TEMPLATE_VALUES:
        return True
    return bool(_PLACEHOLDER.match(stripped)) and not _HTML_TAG.match(stripped)


@lru_cache(maxsize=8192)
def contains_placeholder(text: str) -> bool:
    """True when a `<...>` template placeholder appears anywhere in `text`."""
    return any(is_placeholder(match.group(0)) for match in re.finditer(r"<[^<>\n]{2,}>", text))
