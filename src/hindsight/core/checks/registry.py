"""Every rule by code and by name, and selectors (code, name, family, code prefix, ALL)."""

from __future__ import annotations

import re
from functools import cache

from hindsight.core.checks.rule import CODE, DOC_SECTIONS, FAMILIES, NAME, Rule

_RULES: dict[str, type[Rule]] = {}
_BY_NAME: dict[str, type[Rule]] = {}
_PREFIX = re.compile(r"^[A-Z]{2}\d{0,3}$")


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add a rule, checking its metadata once, at import."""
    if not CODE.match(cls.code) or cls.code[:2] not in FAMILIES:
        raise ValueError(f"{cls.__name__}: bad code {cls.code!r}")
    if not NAME.match(cls.name):
        raise ValueError(f"{cls.__name__}: name {cls.name!r} is not kebab-case")
    if cls.code in _RULES or cls.name in _BY_NAME:
        raise ValueError(f"{cls.__name__}: code {cls.code} or name {cls.name} already taken")
    missing = [s for s in DOC_SECTIONS if not cls.doc_sections().get(s)]
    if missing:
        raise ValueError(f"{cls.code}: docstring lacks {', '.join(missing)}")
    _RULES[cls.code] = cls
    _BY_NAME[cls.name] = cls
    return cls


def _load() -> None:
    import hindsight.core.checks.rules  # noqa: F401  (registers the built-in rules)


@cache
def all_rules() -> tuple[type[Rule], ...]:
    _load()
    return tuple(_RULES[code] for code in sorted(_RULES))


def get_rule(key: str) -> type[Rule] | None:
    """A rule by code (any case) or name."""
    all_rules()
    return _RULES.get(key.upper()) or _BY_NAME.get(key.lower())


def resolve(selector: str) -> frozenset[str] | None:
    """The codes a selector names, or None when it names nothing."""
    rules = all_rules()
    key = selector.strip()
    if key.upper() == "ALL":
        return frozenset(r.code for r in rules)
    found = get_rule(key)
    if found is not None:
        return frozenset({found.code})
    if _PREFIX.match(key.upper()):
        codes = frozenset(r.code for r in rules if r.code.startswith(key.upper()))
        return codes or None
    return None
