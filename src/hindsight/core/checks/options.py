"""Lint options as a value, and their validation from a plain mapping (a TOML table).

Reading the file is the shell's job (`hindsight.config`); this module only checks what was
read, so the CLI, the server and tests validate settings the same way. Every error names the
file, the key, the bad value and what is allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from hindsight.core.checks.diagnostic import Severity
from hindsight.core.checks.registry import all_rules, get_rule, resolve
from hindsight.core.checks.rule import OptionValue, Rule, RuleOptions
from hindsight.core.checks.vocab import KINDS, Term
from hindsight.core.errors import ConfigError

FAIL_ON = ("status", "error", "warning", "info", "never")
# `fail-on = "status"` (the default): how strict depends on how far the document has come. A
# draft fails on errors only (it is meant to be incomplete); once it is up for review or
# published, warnings fail too, since that is when readers rely on it.
STRICT_STATUSES = ("In review", "Published")
KEYS = ("select", "ignore", "severity", "rules", "vocabulary", "min-confidence", "fail-on")


@dataclass(frozen=True)
class LintOptions:
    select: tuple[str, ...] = ()  # selectors; empty means every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)  # by code
    rule_options: Mapping[str, Mapping[str, OptionValue]] = field(default_factory=dict)
    extra_terms: tuple[Term, ...] = ()
    disabled_terms: tuple[str, ...] = ()
    min_confidence: float = 0.0
    fail_on: Severity | None = Severity.ERROR  # None: never fail on findings
    fail_on_by_status: bool = True  # "status": `fail_on` for drafts, warnings once in review

    def threshold(self, status: str | None) -> Severity | None:
        """The severity at which a document with this Status fails."""
        if self.fail_on_by_status and status in STRICT_STATUSES:
            return Severity.WARNING
        return self.fail_on

    def __post_init__(self) -> None:
        for selector in (*self.select, *self.ignore):
            if resolve(selector) is None:
                raise ConfigError(f"unknown rule selector {selector!r}", fix=_SELECTOR_FIX)

    @cached_property
    def rules(self) -> tuple[type[Rule], ...]:
        chosen: set[str] = set()
        for selector in self.select or ("ALL",):
            chosen |= resolve(selector) or frozenset()
        for selector in self.ignore:
            chosen -= resolve(selector) or frozenset()
        return tuple(r for r in all_rules() if r.code in chosen)

    def severity_of(self, rule: type[Rule]) -> Severity:
        return self.severity.get(rule.code, rule.severity)

    def options_of(self, rule: type[Rule]) -> RuleOptions:
        return RuleOptions(rule.options, self.rule_options.get(rule.code, {}))


_SELECTOR_FIX = "use a rule code (AC001), a name (action-owner-missing), a family (AC) or ALL"


def _fail(source: str, key: str, value: object, allowed: str) -> ConfigError:
    return ConfigError(f"{key} = {value!r} is not allowed", where=source, fix=f"allowed: {allowed}")


def _strings(source: str, key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(source, key, value, "a list of strings")
    return tuple(value)


def _selectors(source: str, key: str, value: object) -> tuple[str, ...]:
    out = _strings(source, key, value)
    for selector in out:
        if resolve(selector) is None:
            raise _fail(source, key, selector, _SELECTOR_FIX)
    return out


def _severity(source: str, key: str, value: object) -> Severity:
    if not isinstance(value, str) or value.lower() not in tuple(Severity):
        raise _fail(source, key, value, "error, warning, info")
    return Severity(value.lower())


def _rule(source: str, key: str, name: str) -> type[Rule]:
    found = get_rule(name)
    if found is None:
        raise _fail(source, key, name, "a rule code or name; see `hindsight rules`")
    return found


def _option(source: str, key: str, rule: type[Rule], name: str, value: object) -> OptionValue:
    spec = next((o for o in rule.options if o.name == name), None)
    if spec is None:
        names = ", ".join(o.name for o in rule.options) or f"none ({rule.code} has no options)"
        raise _fail(source, key, name, names)
    default = spec.default
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif isinstance(default, float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    else:
        return _strings(source, key, value)
    if not ok:
        raise _fail(source, key, value, spec.type_name)
    if isinstance(default, float) and isinstance(value, int | float):
        return float(value)
    assert isinstance(value, bool | int | str)
    return value


def _term(source: str, key: str, value: object) -> Term:
    if not isinstance(value, dict):
        raise _fail(source, key, value, "a table with term, message, suggestion, kind")
    unknown = set(value) - {"term", "message", "suggestion", "confidence", "kind"}
    if unknown:
        raise _fail(source, key, sorted(unknown), "term, message, suggestion, confidence, kind")
    term = value.get("term")
    if not isinstance(term, str) or not term.strip():
        raise _fail(source, f"{key}.term", term, "a non-empty string")
    kind = value.get("kind", "blame")
    if kind not in KINDS:
        raise _fail(source, f"{key}.kind", kind, ", ".join(KINDS))
    confidence = value.get("confidence", 0.8)
    if not isinstance(confidence, int | float) or not 0 < confidence <= 1:
        raise _fail(source, f"{key}.confidence", confidence, "a number in (0, 1]")
    message = value.get("message", f"'{term}' is on the team's list of words to avoid")
    suggestion = value.get("suggestion", "describe the system, not the person")
    if not isinstance(message, str) or not isinstance(suggestion, str):
        raise _fail(source, key, value, "message and suggestion as strings")
    return Term(term, message, suggestion, float(confidence), str(kind))


def build_options(
    data: Mapping[str, Any], source: str = "config", prefix: str = "lint"
) -> LintOptions:
    """Validate a `[lint]` table; `source` names the file and `prefix` the table in messages."""
    unknown = [k for k in data if k not in KEYS]
    if unknown:
        raise _fail(source, f"{prefix}.{unknown[0]}", unknown[0], ", ".join(KEYS))
    select = _selectors(source, f"{prefix}.select", data.get("select", []))
    ignore = _selectors(source, f"{prefix}.ignore", data.get("ignore", []))
    severity: dict[str, Severity] = {}
    table = data.get("severity", {})
    if not isinstance(table, dict):
        raise _fail(source, f"{prefix}.severity", table, "a table of rule = level")
    for name, level in table.items():
        key = f"{prefix}.severity.{name}"
        codes = resolve(name)
        if codes is None:
            raise _fail(source, key, name, _SELECTOR_FIX)
        for code in codes:
            severity[code] = _severity(source, key, level)
    rule_options: dict[str, dict[str, OptionValue]] = {}
    rules_table = data.get("rules", {})
    if not isinstance(rules_table, dict):
        raise _fail(source, f"{prefix}.rules", rules_table, "a table of rule tables")
    for name, settings in rules_table.items():
        rule = _rule(source, f"{prefix}.rules", name)
        if not isinstance(settings, dict):
            raise _fail(source, f"{prefix}.rules.{name}", settings, "a table of options")
        for option, value in settings.items():
            key = f"{prefix}.rules.{name}.{option}"
            rule_options.setdefault(rule.code, {})[option] = _option(
                source, key, rule, option, value
            )
    vocab = data.get("vocabulary", {})
    if not isinstance(vocab, dict) or set(vocab) - {"extra", "disable"}:
        raise _fail(source, f"{prefix}.vocabulary", vocab, "a table with extra and disable")
    extra_raw = vocab.get("extra", [])
    if not isinstance(extra_raw, list):
        raise _fail(source, f"{prefix}.vocabulary.extra", extra_raw, "a list of tables")
    extra = tuple(
        _term(source, f"{prefix}.vocabulary.extra[{i}]", v) for i, v in enumerate(extra_raw)
    )
    disabled = _strings(source, f"{prefix}.vocabulary.disable", vocab.get("disable", []))
    confidence = data.get("min-confidence", 0.0)
    if not isinstance(confidence, int | float) or isinstance(confidence, bool):
        raise _fail(source, f"{prefix}.min-confidence", confidence, "a number from 0 to 1")
    if not 0 <= confidence <= 1:
        raise _fail(source, f"{prefix}.min-confidence", confidence, "a number from 0 to 1")
    fail_on = data.get("fail-on", "status")
    if fail_on not in FAIL_ON:
        raise _fail(source, f"{prefix}.fail-on", fail_on, ", ".join(FAIL_ON))
    return LintOptions(
        select,
        ignore,
        severity,
        rule_options,
        extra,
        disabled,
        float(confidence),
        *fail_setting(fail_on),
    )


def fail_setting(value: str) -> tuple[Severity | None, bool]:
    """`fail_on` and `fail_on_by_status` for a `fail-on` value (one of FAIL_ON)."""
    if value == "status":
        return Severity.ERROR, True
    return (None if value == "never" else Severity(value)), False
