"""The words that say a timeline row is a milestone: one vocabulary for the linter's reading of
a document (`checks.chrono`) and the importer's (`importing.events`).

An explicit label ("Detected: …", the way `hindsight draft` writes the rows that hold the
milestones) settles it; otherwise these keyword tests are a reading, not a fact, and the
readers say which row each milestone came from.
"""

from __future__ import annotations

import re

# Source tags (the "(alert)" at the end of a row) that mean someone or something noticed, and
# those that mean a change.
DETECT_SOURCES = frozenset(
    {
        "alert", "alerts", "alerting", "page", "pager", "pagerduty", "opsgenie", "monitoring",
        "customer", "customers", "support", "report", "ticket", "synthetic", "uptime",
    }
)  # fmt: skip
CAUSE_SOURCES = frozenset(
    {"deploy", "deployment", "change", "git", "github", "ci", "cd", "release", "commit", "config"}
)

DETECTION = re.compile(
    r"\b(?:alert(?:s|ed|ing)?(?:\s+(?:fire|fired|fires|firing|triggered|trigger))?|alarms?|"
    r"fir(?:e|es|ed|ing)|paged?|pager|pages|paging|detect(?:s|ed)?|notic(?:e|es|ed|ing)|"
    r"reported|reports? (?:on|in|to|that|the|an?|issues?|problems?|of)|reports\b|"
    r"first (?:recorded|report)|warning|sees|informed of|made aware|"
    r"notifie[sd] (?:the|us|on-?call)|observ(?:e|es|ed)|complain\w*|pinged|spotted|flagged|"
    r"triggered an? alert|receives? an? (?:email|report|page)|"
    r"incident\s+(?:declared|opened|created))\b",
    re.IGNORECASE,
)
NEGATED_DETECTION = re.compile(
    r"\b(?:no|without|not|never)\s+(?:\w+\s+)?(?:alerts?|pages?)\b", re.IGNORECASE
)
CHANGE = re.compile(
    r"\b(?:deploy(?:ed|s|ment)?|roll(?:ed|s)?[- ]?out|rollout|ship(?:ped|s)?|merg(?:ed|es)|"
    r"releas(?:ed|es)|chang(?:ed|e|es)|upgrad(?:ed|es?)|migrat(?:ed|ion)|push(?:ed)?|"
    r"commit(?:ted)?|introduc(?:ed|es)|enabled|disabled|expir(?:ed|es)|crossed|latent|"
    r"applied|updated|config(?:uration)?)\b",
    re.IGNORECASE,
)
ACKNOWLEDGEMENT = re.compile(
    r"\b(?:ack(?:s|ed|nowledg\w*)?|investigat\w*|(?:begins?|starts?|began|started) "
    r"(?:looking|working|troubleshooting)|respond(?:s|ed)?|declar\w*|escalat\w*|"
    r"incident commander|joins?|triag\w*|looks? into|picks? up|engag\w*)\b",
    re.IGNORECASE,
)
MITIGATION = re.compile(
    r"\b(?:mitigat\w*|roll(?:s|ed)? ?back|rollback|revert\w*|fail(?:ed)? ?over|restart\w*|"
    r"disabl\w*|block\w*|hotfix|workaround|paus\w*|scal(?:es|ed|ing) (?:up|down|out)|"
    r"load balanc\w*|drain\w*|banned)\b",
    re.IGNORECASE,
)
RESOLUTION = re.compile(
    r"\b(?:resolv\w*|resolution|recover\w*|fixed|fix (?:is )?deployed|restored|"
    r"outage ends|incident\s+(?:ends?|ended|over|closed?)|back\s+to\s+normal|"
    r"returned\s+to\s+normal|all[- ]clear|healthy|operational|closed?|closes|repaired|"
    r"nominal|back\s+(?:up|online)|stable|normal\s+operation|once\s+again|usual\s+rate)\b",
    re.IGNORECASE,
)

# "Detected: …", "**Resolved:** …": a row that says which milestone it holds.
LABELS = {
    "suspected cause": "cause",
    "cause": "cause",
    "detected": "detection",
    "detection": "detection",
    "acknowledged": "acknowledgement",
    "mitigation": "mitigation",
    "mitigated": "mitigation",
    "resolved": "resolution",
    "resolution": "resolution",
}
_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?(?P<label>" + "|".join(sorted(LABELS, key=len, reverse=True)) + r")"
    r"\s*(?:\(candidate\))?\s*:\s*(?:\*\*|__)?\s*",
    re.IGNORECASE,
)
LABEL_OF = {
    "cause": "Suspected cause",
    "detection": "Detected",
    "acknowledgement": "Acknowledged",
    "mitigation": "Mitigation",
    "resolution": "Resolved",
}


# A chat message that records a decision or a diagnosis: a key moment of the response, shown
# in the document's timeline even though chat is not (the moment the cause was found).
DECISION_OR_DIAGNOSIS = re.compile(
    r"\b(?:decid\w*|decision|agreed|we(?:'ll| will| are going to)|let'?s|going to|plan is|"
    r"root cause|caused by|culprit|(?:found|identified|spotted|confirmed) (?:it|the)|"
    r"it(?:'s| is) the|looks like (?:the|it)|because of|matches the|rolling back|"
    r"reverting|failing over|restarting)\b",
    re.IGNORECASE,
)


def records_a_key_moment(text: str) -> bool:
    """A message that records a decision, a diagnosis or a mitigation."""
    return bool(DECISION_OR_DIAGNOSIS.search(text) or MITIGATION.search(text))


def milestone_label(text: str) -> str | None:
    """The milestone a row's leading label names ("cause", "detection", …), if it has one."""
    match = _LABEL.match(text)
    return LABELS[match.group("label").casefold()] if match else None


def without_label(text: str) -> str:
    """`text` without its leading milestone label: "Detected: X" → "X"."""
    match = _LABEL.match(text)
    return text[match.end() :] if match else text


def labelled(milestone: str, text: str) -> str:
    """`text` as the row that holds `milestone`: "Detected: HighErrorRate firing …"."""
    return f"{LABEL_OF[milestone]}: {text}"


def source_class(source: str | None) -> str | None:
    """ "detect" or "cause" for a row's source tag ("(alert)", "(deploy)"), else None."""
    tags = set(re.findall(r"[a-z]+", (source or "").casefold()))
    if tags & DETECT_SOURCES:
        return "detect"
    if tags & CAUSE_SOURCES:
        return "cause"
    return None


def reads_as_detection(text: str, source: str | None = None) -> bool:
    """The row's label says so; else its source tag; else its words ("no alerts" is not)."""
    label = milestone_label(text)
    if label is not None:
        return label == "detection"
    kind = source_class(source)
    if kind is not None:
        return kind == "detect"
    return bool(DETECTION.search(text)) and not NEGATED_DETECTION.search(text)


def reads_as_change(text: str, source: str | None = None) -> bool:
    if milestone_label(text) == "cause":
        return True
    return source_class(source) == "cause" or bool(CHANGE.search(text))


def reads_as_resolution(text: str) -> bool:
    label = milestone_label(text)
    if label is not None:
        return label == "resolution"
    return bool(RESOLUTION.search(text))
