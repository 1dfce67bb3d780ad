"""The trigger table as policy: when a postmortem is owed.

The guide's table (blameless-postmortem-guide.txt, "When to write one") is the default; a team
changes it in `hindsight.toml` under `[policy]` (validated in `core.policy_config`). Rules are
named and evaluated in order, the first that matches decides; the flaky-monitor rule comes
first, because a flapping alert that pages is exactly the case it exists for.

`postmortem_policy(facts, policy)` is the one function that decides: the store keeps what it
returns on the incident row, and the list filter, `hindsight analyze`, auto-drafting and
reminders read that. Nothing here does I/O.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

DECISIONS = ("required", "lightweight", "not_required", "fix_the_monitor")


class When(StrEnum):
    """What a rule looks at."""

    FLAKY_MONITOR = "flaky-monitor"  # the same alert opened many short incidents
    CUSTOMER_VISIBLE = "customer-visible"  # customers saw it for longer than N minutes
    PAGED = "paged"  # an alert (optionally: of these names or labels) paged a human
    SEVERITY = "severity"  # the incident is one of these severities
    CAUGHT_BY_AUTOMATION = "caught-by-automation"  # automation mitigated it; no customer saw it
    INTERNAL_BLIP = "internal-blip"  # internal-only and resolved without a page
    ALWAYS = "always"


@dataclass(frozen=True)
class Repeat:
    """An earlier incident the same alert identity opened: when, and how long it lasted
    (None while it is not resolved)."""

    opened_at: dt.datetime
    resolved_minutes: float | None


@dataclass(frozen=True)
class IncidentFacts:
    """What the trigger table looks at, as the store or a document knows it."""

    severity: str | None
    customer_visible: bool
    impact_minutes: float | None
    paged: bool
    alert_names: tuple[str, ...] = ()  # the alerts and pages that fired
    alert_labels: tuple[str, ...] = ()  # their labels, as "key=value"
    caught_by_automation: bool = False  # a bot's mitigation came before any person's
    alert_identity: str | None = None  # the alarm that opened the incident
    opened_at: dt.datetime | None = None
    resolved_minutes: float | None = None  # opened → resolved (None while not resolved)
    repeats: tuple[Repeat, ...] = ()  # earlier incidents the same alert identity opened
    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProposedAction:
    """What a `fix_the_monitor` decision proposes instead of a postmortem."""

    action: str
    owner: str | None


@dataclass(frozen=True)
class PolicyDecision:
    decision: str  # required | lightweight | not_required | fix_the_monitor
    trigger: str  # the rule's name
    why: str  # one sentence
    proposal: ProposedAction | None = None  # fix_the_monitor: the action item it proposes

    @property
    def owed(self) -> bool:
        """A postmortem is owed (a full or a lightweight one)."""
        return self.decision in ("required", "lightweight")


@dataclass(frozen=True)
class PolicyRule:
    name: str
    when: When
    decision: str
    minutes: float = 5.0  # customer-visible: longer than; flaky-monitor: each resolved within
    incidents: int = 3  # flaky-monitor: at least this many
    days: float = 7.0  # flaky-monitor: within this many days
    alerts: tuple[str, ...] = ()  # paged: alert name patterns (fnmatch); empty: any
    labels: tuple[str, ...] = ()  # paged: "key=value" (value may be a pattern)
    severities: tuple[str, ...] = ()  # severity: these
    owners: tuple[tuple[str, str], ...] = ()  # flaky-monitor: alert pattern → owner


UNCHANGED_REVIEW = ("warn", "block")
OWNER_LABELS = ("owner", "team")  # where an alert names its monitor's owner
_Decide = Callable[..., "PolicyDecision"]


@dataclass(frozen=True)
class Policy:
    rules: tuple[PolicyRule, ...]
    otherwise: str = "not_required"  # when no rule matches
    unchanged_review: str = "warn"  # the review changed no section: warn or block publishing


DEFAULT_RULES: tuple[PolicyRule, ...] = (
    PolicyRule("flaky-monitor", When.FLAKY_MONITOR, "fix_the_monitor"),
    PolicyRule("customer-visible-outage", When.CUSTOMER_VISIBLE, "required"),
    PolicyRule("slo-burn-rate-paged", When.PAGED, "required"),
    # Not a row of the guide's table: the team's own rule that SEV-1 and SEV-2 always get one.
    PolicyRule("high-severity", When.SEVERITY, "required", severities=("SEV-1", "SEV-2")),
    PolicyRule("near-miss", When.CAUGHT_BY_AUTOMATION, "lightweight"),
    PolicyRule("internal-blip", When.INTERNAL_BLIP, "not_required"),
)
DEFAULT_POLICY = Policy(DEFAULT_RULES)


def postmortem_policy(facts: IncidentFacts, policy: Policy = DEFAULT_POLICY) -> PolicyDecision:
    """The first rule of `policy` that matches `facts` decides; the one place that decides
    whether a postmortem is owed."""
    for rule in policy.rules:
        decided = _apply(rule, facts)
        if decided is not None:
            return decided
    return PolicyDecision(policy.otherwise, "no-rule-matched", "no rule of the policy matched")


def _apply(rule: PolicyRule, facts: IncidentFacts) -> PolicyDecision | None:
    def decide(why: str, proposal: ProposedAction | None = None) -> PolicyDecision:
        return PolicyDecision(rule.decision, rule.name, why, proposal)

    match rule.when:
        case When.FLAKY_MONITOR:
            return _flaky(rule, facts, decide)
        case When.CUSTOMER_VISIBLE:
            if not facts.customer_visible:
                return None
            if facts.impact_minutes is None:
                return decide("customers saw the outage")
            if facts.impact_minutes > rule.minutes:
                return decide(
                    f"customers saw a {facts.impact_minutes:.0f}-minute outage "
                    f"(longer than {rule.minutes:g} minutes)"
                )
            return None
        case When.PAGED:
            if not facts.paged:
                return None
            if not rule.alerts and not rule.labels:
                return decide("an alert paged a human")
            hit = _matching_alert(rule, facts)
            return decide(f"the alert {hit} paged a human") if hit else None
        case When.SEVERITY:
            if facts.severity in rule.severities:
                return decide(f"it is a {facts.severity} incident")
            return None
        case When.CAUGHT_BY_AUTOMATION:
            if facts.caught_by_automation and not facts.customer_visible:
                return decide("automation caught it before customers saw it (a near-miss)")
            return None
        case When.INTERNAL_BLIP:
            if not facts.customer_visible and not facts.paged:
                return decide("internal-only and resolved without a page")
            return None
        case When.ALWAYS:
            return decide(f"the policy's rule {rule.name} applies to every incident")
    return None  # pragma: no cover - every When is handled above


def _matching_alert(rule: PolicyRule, facts: IncidentFacts) -> str | None:
    for name in facts.alert_names:
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in rule.alerts):
            return name
    for label in facts.alert_labels:
        key, _, value = label.partition("=")
        for wanted in rule.labels:
            want_key, _, want_value = wanted.partition("=")
            if key == want_key and fnmatch.fnmatchcase(value, want_value or "*"):
                return f"labelled {label}"
    return None


def _flaky(rule: PolicyRule, facts: IncidentFacts, decide: _Decide) -> PolicyDecision | None:
    """The same alert identity opened at least `incidents` incidents within `days`, each
    resolved within `minutes` (this one included, so it is decided once it resolved)."""
    if facts.alert_identity is None or facts.opened_at is None:
        return None
    if facts.resolved_minutes is None or facts.resolved_minutes > rule.minutes:
        return None
    since = facts.opened_at - dt.timedelta(days=rule.days)
    short = [
        r
        for r in facts.repeats
        if since <= r.opened_at <= facts.opened_at
        and r.resolved_minutes is not None
        and r.resolved_minutes <= rule.minutes
    ]
    count = len(short) + 1
    if count < rule.incidents:
        return None
    name = facts.alert_names[0] if facts.alert_names else facts.alert_identity
    owner = next((o for pattern, o in rule.owners if fnmatch.fnmatchcase(name, pattern)), None)
    if owner is None:  # else the alert's own owner or team label, when it carries one
        labels = dict(label.partition("=")[::2] for label in facts.alert_labels)
        owner = next((labels[k] for k in OWNER_LABELS if labels.get(k)), None)
    why = (
        f"the alert {name} opened {count} incidents in {rule.days:g} days, each resolved "
        f"within {rule.minutes:g} minutes: fix the monitor instead of writing a postmortem"
    )
    action = (
        f"Fix the monitor {name}: it opened {count} incidents in {rule.days:g} days, "
        f"each resolved within {rule.minutes:g} minutes"
    )
    return decide(why, ProposedAction(action, owner))


def known_decision(value: str) -> bool:
    return value in DECISIONS


__all__ = [
    "DECISIONS",
    "DEFAULT_POLICY",
    "DEFAULT_RULES",
    "UNCHANGED_REVIEW",
    "IncidentFacts",
    "Policy",
    "PolicyDecision",
    "PolicyRule",
    "ProposedAction",
    "Repeat",
    "When",
    "postmortem_policy",
]
