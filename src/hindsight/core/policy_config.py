"""`[policy]` validated: the trigger table's rules and the publishing gate's settings, from a
plain mapping (a TOML table read by `hindsight.config`). Every error names the file, the key,
the bad value and what is allowed.

    [policy]
    otherwise = "not_required"        # when no rule matches
    unchanged-review = "warn"         # or "block": publishing after a review that changed nothing

    [[policy.rules]]                  # evaluated in order; the first match decides
    name = "flaky-monitor"
    when = "flaky-monitor"
    decision = "fix_the_monitor"
    incidents = 3
    days = 7
    minutes = 5                       # each resolved within
    owners = { "Disk*" = "storage-team" }

    [[policy.rules]]
    name = "slo-burn-rate-paged"
    when = "paged"
    decision = "required"
    alerts = ["*BurnRate*"]           # alert names (patterns); empty with no labels: any page
    labels = ["slo=*"]

Giving `rules` replaces the whole table (so the order is the team's); leaving it out keeps the
guide's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hindsight.core.errors import ConfigError
from hindsight.core.policy import (
    DECISIONS,
    DEFAULT_RULES,
    UNCHANGED_REVIEW,
    Policy,
    PolicyRule,
    When,
)

KEYS = ("rules", "otherwise", "unchanged-review")
RULE_KEYS = (
    "name",
    "when",
    "decision",
    "minutes",
    "incidents",
    "days",
    "alerts",
    "labels",
    "severities",
    "owners",
)


def build_policy(data: Mapping[str, Any], *, source: str, prefix: str = "policy") -> Policy:
    """A `Policy` from the `[policy]` table (the guide's table where it says nothing)."""
    for key in data:
        if key not in KEYS:
            raise ConfigError(
                f"unknown key {prefix}.{key}", where=source, fix=f"use one of {', '.join(KEYS)}"
            )
    otherwise = _choice(
        data.get("otherwise", "not_required"), DECISIONS, source, prefix, "otherwise"
    )
    unchanged = _choice(
        data.get("unchanged-review", "warn"), UNCHANGED_REVIEW, source, prefix, "unchanged-review"
    )
    rules = DEFAULT_RULES
    if "rules" in data:
        raw = data["rules"]
        if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
            raise ConfigError(
                f"{prefix}.rules must be an array of tables",
                where=source,
                fix=f"write each rule as [[{prefix}.rules]]",
            )
        rules = tuple(_rule(r, source, f"{prefix}.rules[{i}]") for i, r in enumerate(raw))
        names = [r.name for r in rules]
        for name in names:
            if names.count(name) > 1:
                raise ConfigError(
                    f"two rules are named {name!r}", where=source, fix="give each rule its own name"
                )
    return Policy(rules, otherwise=otherwise, unchanged_review=unchanged)


def _rule(data: Mapping[str, Any], source: str, where: str) -> PolicyRule:
    for key in data:
        if key not in RULE_KEYS:
            raise ConfigError(
                f"unknown key {where}.{key}", where=source, fix=f"use one of {', '.join(RULE_KEYS)}"
            )
    for key in ("name", "when", "decision"):
        if key not in data:
            raise ConfigError(f"{where} has no {key}", where=source, fix=f"add {key} = …")
    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise _bad(source, f"{where}.name", name, "a non-empty string")
    when = When(_choice(data["when"], tuple(w.value for w in When), source, where, "when"))
    decision = _choice(data["decision"], DECISIONS, source, where, "decision")
    owners = data.get("owners", {})
    if not isinstance(owners, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in owners.items()
    ):
        raise _bad(source, f"{where}.owners", owners, 'a table of alert pattern = "owner"')
    labels = _strings(data.get("labels", []), source, f"{where}.labels")
    for label in labels:
        if "=" not in label:
            raise _bad(source, f"{where}.labels", label, '"key=value" (value may be a pattern)')
    return PolicyRule(
        name=name.strip(),
        when=when,
        decision=decision,
        minutes=_number(data.get("minutes", 5), source, f"{where}.minutes"),
        incidents=int(_number(data.get("incidents", 3), source, f"{where}.incidents", whole=True)),
        days=_number(data.get("days", 7), source, f"{where}.days"),
        alerts=_strings(data.get("alerts", []), source, f"{where}.alerts"),
        labels=labels,
        severities=_strings(data.get("severities", []), source, f"{where}.severities"),
        owners=tuple(owners.items()),
    )


def _bad(source: str, key: str, value: object, allowed: str) -> ConfigError:
    return ConfigError(f"{key} = {value!r} is not allowed", where=source, fix=f"allowed: {allowed}")


def _choice(value: object, allowed: tuple[str, ...], source: str, where: str, key: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _bad(source, f"{where}.{key}", value, ", ".join(allowed))
    return value


def _strings(value: object, source: str, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(source, key, value, "a list of strings")
    return tuple(value)


def _number(value: object, source: str, key: str, *, whole: bool = False) -> float:
    ok = isinstance(value, int) if whole else isinstance(value, int | float)
    if isinstance(value, bool) or not ok or float(value) <= 0:  # type: ignore[arg-type]
        raise _bad(source, key, value, "a positive whole number" if whole else "a positive number")
    return float(value)  # type: ignore[arg-type]
