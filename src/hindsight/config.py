"""Finding and reading lint and policy settings: `hindsight.toml` (`[lint]`) or `pyproject.toml`
(`[tool.hindsight.lint]`), whichever is nearest above the file being checked.

Reading files lives here, outside the core; validation is `core.checks.build_options`, so a
bad setting is reported with the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hindsight.core.checks import LintOptions, build_options
from hindsight.core.errors import ConfigError
from hindsight.core.policy import DEFAULT_POLICY, Policy
from hindsight.core.policy_config import build_policy

CONFIG_FILE = "hindsight.toml"


@dataclass(frozen=True)
class ConfigSource:
    path: Path
    table: str  # "lint" or "tool.hindsight.lint", for messages


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML ({error})", where=str(path)) from None
    except OSError as error:
        raise ConfigError(f"cannot read the file ({error.strerror})", where=str(path)) from None


def find_config(start: Path) -> ConfigSource | None:
    """The nearest `hindsight.toml`, or `pyproject.toml` with a `[tool.hindsight]` table."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_FILE
        if own.is_file():
            return ConfigSource(own, "lint")
        project = candidate / "pyproject.toml"
        if project.is_file() and "hindsight" in _read(project).get("tool", {}):
            return ConfigSource(project, "tool.hindsight.lint")
    return None


def load_options(source: ConfigSource | None) -> LintOptions:
    """Validated options from a config file; the defaults when there is none."""
    if source is None:
        return LintOptions()
    data: Any = _read(source.path)
    for key in source.table.split("."):
        data = data.get(key, {}) if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise ConfigError(
                f"{source.table} is not a table",
                where=str(source.path),
                fix=f"write [{source.table}]",
            )
    return build_options(data, source=str(source.path), prefix=source.table)


def config_at(path: Path) -> ConfigSource:
    """An explicitly named config file (`--config`)."""
    if not path.is_file():
        raise ConfigError("no such config file", where=str(path), fix="check the --config path")
    table = "tool.hindsight.lint" if path.name == "pyproject.toml" else "lint"
    return ConfigSource(path, table)


def load_policy(source: ConfigSource | None) -> Policy:
    """The validated `[policy]` (`[tool.hindsight.policy]`) of a config file; the guide's
    trigger table when there is none."""
    if source is None:
        return DEFAULT_POLICY
    table = source.table.rsplit(".", 1)[0] + ".policy" if "." in source.table else "policy"
    data: Any = _read(source.path)
    for key in table.split("."):
        data = data.get(key, {}) if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise ConfigError(
                f"{table} is not a table", where=str(source.path), fix=f"write [{table}]"
            )
    return build_policy(data, source=str(source.path), prefix=table)
