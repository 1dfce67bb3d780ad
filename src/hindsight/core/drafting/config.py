"""Drafting settings from a config mapping (the `[impact]` and `[draft]` tables), validated
with messages that name the file, the key, the bad value and what is allowed.

    [impact.prometheus]
    url = "http://127.0.0.1:9090"
    step_seconds = 60
    [impact.services.checkout-api]
    error_ratio = 'sum(rate(http_requests_total{service="checkout-api",code=~"5.."}[1m])) / …'
    request_rate = 'sum(rate(http_requests_total{service="checkout-api"}[1m]))'
    users_affected = '…'       # optional: the peak over the window is quoted
    slo_target = 0.999
    slo_window_days = 30
    [draft.rephrase]           # optional language-model pass, off unless `url` is set
    url = "http://127.0.0.1:11434/v1"
    model = "llama3.1"
    api_key_env = "OPENAI_API_KEY"
    timeout_seconds = 20
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hindsight.core.errors import ConfigError


@dataclass(frozen=True)
class ServiceQueries:
    name: str
    error_ratio: str
    request_rate: str
    users_affected: str | None = None
    slo_target: float | None = None
    slo_window_days: float = 30.0


@dataclass(frozen=True)
class RephraseConfig:
    url: str
    model: str
    api_key_env: str | None = None
    timeout_seconds: float = 20.0


@dataclass(frozen=True)
class DraftConfig:
    prometheus_url: str | None = None
    step_seconds: float = 60.0
    services: tuple[ServiceQueries, ...] = ()
    rephrase: RephraseConfig | None = None


def _table(data: Mapping[str, Any], key: str, where: str, prefix: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise ConfigError(f"{prefix}{key} is {value!r}, not a table", where=where)
    return value


def _text(data: Mapping[str, Any], key: str, where: str, name: str, required: bool) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{name}.{key} is {value!r}; it must be a non-empty string", where=where)
    return value


def _number(
    data: Mapping[str, Any], key: str, where: str, name: str, low: float, high: float | None
) -> float | None:
    value = data.get(key)
    if value is None:
        return None
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not (low < float(value) and (high is None or float(value) < high)):
        allowed = f"a number above {low:g}" + (f" and below {high:g}" if high else "")
        raise ConfigError(f"{name}.{key} is {value!r}; allowed: {allowed}", where=where)
    return float(value)


def build_draft_config(data: Mapping[str, Any], *, where: str, prefix: str = "") -> DraftConfig:
    """`data` is the whole config file (or its `[tool.hindsight]` table, with `prefix`)."""
    impact = _table(data, "impact", where, prefix)
    prom = _table(impact, "prometheus", where, f"{prefix}impact.")
    name = f"{prefix}impact.prometheus"
    url = _text(prom, "url", where, name, required=False)
    step = _number(prom, "step_seconds", where, name, 0, None) or 60.0
    services: list[ServiceQueries] = []
    for service, table in _table(impact, "services", where, f"{prefix}impact.").items():
        sname = f"{prefix}impact.services.{service}"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{sname} is {table!r}, not a table", where=where)
        unknown = sorted(set(table) - set(ServiceQueries.__dataclass_fields__) - {"name"})
        if unknown:
            raise ConfigError(
                f"{sname} has unknown key(s) {', '.join(unknown)}",
                where=where,
                fix="use error_ratio, request_rate, users_affected, slo_target, slo_window_days",
            )
        services.append(
            ServiceQueries(
                name=str(service),
                error_ratio=_text(table, "error_ratio", where, sname, True) or "",
                request_rate=_text(table, "request_rate", where, sname, True) or "",
                users_affected=_text(table, "users_affected", where, sname, False),
                slo_target=_number(table, "slo_target", where, sname, 0, 1),
                slo_window_days=_number(table, "slo_window_days", where, sname, 0, None) or 30.0,
            )
        )
    rephrase = None
    table = _table(_table(data, "draft", where, prefix), "rephrase", where, f"{prefix}draft.")
    if table.get("url") is not None:
        rname = f"{prefix}draft.rephrase"
        rephrase = RephraseConfig(
            url=_text(table, "url", where, rname, True) or "",
            model=_text(table, "model", where, rname, True) or "",
            api_key_env=_text(table, "api_key_env", where, rname, False),
            timeout_seconds=_number(table, "timeout_seconds", where, rname, 0, None) or 20.0,
        )
    return DraftConfig(url, step, tuple(services), rephrase)
