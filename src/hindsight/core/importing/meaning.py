"""Reading a heading or a field label by meaning, beyond the template's exact aliases.

The template (`core.document.template`) lists the spellings it accepts; real postmortems use
many more ("Corrective and Preventative Measures", "What we're doing about it", "Root cause
identification: The Five Whys"). These rules are keyword tests on the normalised text, tried in
order, so the more specific meaning wins.
"""

from __future__ import annotations

import re

from hindsight.core.document.template import SectionKind, normalise_label

# Headings that look like a kind but are not: the response, not the follow-up actions.
_NOT_MAPPED = re.compile(r"^actions? taken\b|^response\b|^resolution\b|^recovery\b|\blucky\b")

_RULES: tuple[tuple[SectionKind, re.Pattern[str]], ...] = (
    (SectionKind.FIVE_WHYS, re.compile(r"\b(?:five|5) whys?\b|\bwhys\b")),
    (SectionKind.TIMELINE, re.compile(r"\btimeline\b|\bchronolog|\bkey events\b|^events\b")),
    (
        SectionKind.ACTION_ITEMS,
        re.compile(
            r"\baction items?\b|\bfollow ?ups?\b|\bcorrective\b|\bpreventa?t?ive\b|"
            r"\bremediation|\bmeasures\b|\bnext steps\b|\bdoing about it\b|^review actions\b|"
            r"\bplanned actions\b|^actions\b|\bimprovements\b"
        ),
    ),
    (SectionKind.ROOT_CAUSE, re.compile(r"\broot causes?\b|^causes?\b|\bcontributing factors?\b")),
    (SectionKind.WENT_WELL, re.compile(r"\bwent (?:well|right)\b")),
    (
        SectionKind.WENT_POORLY,
        re.compile(r"\bwent (?:wrong|poorly|badly)\b|\bcould have gone better\b|^lessons? learn"),
    ),
    (SectionKind.IMPACT, re.compile(r"\bimpact(?:ed)?\b")),
    (SectionKind.SUMMARY, re.compile(r"\bsummary\b|\boverview\b|^what happened\b|\btl ?dr\b")),
    (SectionKind.REFERENCES, re.compile(r"\breferences?\b|\bappendi(?:x|ces)\b|\bsupporting\b")),
)


def kind_by_meaning(heading: str) -> SectionKind | None:
    text = normalise_label(heading)
    if _NOT_MAPPED.search(text):
        return None
    for kind, pattern in _RULES:
        if pattern.search(text):
            return kind
    return None


# Front-of-document labels the template does not list, mapped to its field keys.
FIELD_ALIASES: dict[str, str] = {
    "created by": "Author",
    "author(s)": "Author",
    "authors": "Author",
    "incident commander": "Incident team",
    "detected": "Reported by",
    "identified": "Reported by",
    "severity level": "Severity",
    "priority": "Severity",
    "sev": "Severity",
    "services": "Services affected",
    "service": "Services affected",
    "affected service": "Services affected",
    "components affected": "Services affected",
    "component": "Services affected",
    "category": "Services affected",
    "incident date": "Date of incident",
    "date": "Date of incident",
    "time to resolve": "Duration",
    "time to repair": "Duration",
    "time to recovery": "Duration",
    "outage duration": "Duration",
    "duration": "Duration",
}


def field_by_meaning(label: str) -> str | None:
    return FIELD_ALIASES.get(normalise_label(label))
