"""Finding and reading lint and policy settings: `hindsight.toml` (`[lint]`) or `pyproject.toml`
(`[tool.hindsight.lint]`), whichever is nearest above the file being checked.

The same file may say where postmortems live (`[files] folder`, `name`) and, when a team keeps
one, its service catalog (`[services.<name>]` tables: only the names are read here).

Reading files lives here, outside the core; validation is `core.checks.build_options`, so a
bad setting is reported with the file, the key, the value and what is allowed.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hindsight.core.checks import LintOptions, build_options
from hindsight.core.errors import ConfigError

if TYPE_CHECKING:  # imported where used: `hindsight lint` (a pre-commit hook) reads neither
    from hindsight.core.catalog import ServiceEntry
    from hindsight.core.policy import Policy

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
    try:
        folder = start.resolve()
    except (RuntimeError, OSError):  # a symlink loop: the file's own error names it later
        folder = start.absolute()
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


def _table(source: ConfigSource, name: str) -> dict[str, Any]:
    """The `[name]` table beside the lint table (`[tool.hindsight.name]` in pyproject.toml)."""
    data: Any = _read(source.path)
    path = [*source.table.split(".")[:-1], name]
    for key in path:
        data = data.get(key, {}) if isinstance(data, dict) else None
        if not isinstance(data, dict):
            raise ConfigError(
                f"{'.'.join(path)} is not a table",
                where=str(source.path),
                fix=f"write [{'.'.join(path)}]",
            )
    table: dict[str, Any] = data
    return table


@dataclass(frozen=True)
class FilesConfig:
    """Where `hindsight new` writes: a folder (relative to the config file) and a file name
    pattern with `{date}` (YYYY-MM-DD) and `{slug}` (the title, lower-case, hyphenated)."""

    folder: Path | None = None
    name: str = "{date}-{slug}.md"


_NAME_FIELDS = frozenset({"date", "slug"})


def load_files(source: ConfigSource | None) -> FilesConfig:
    if source is None:
        return FilesConfig()
    table = _table(source, "files")
    where = f"{source.path} [{'.'.join([*source.table.split('.')[:-1], 'files'])}]"
    unknown = sorted(set(table) - {"folder", "name"})
    if unknown:
        raise ConfigError(f"unknown key {unknown[0]!r}", where=where, fix="use folder or name")
    folder, name = table.get("folder"), table.get("name", FilesConfig.name)
    if folder is not None and (not isinstance(folder, str) or not folder.strip()):
        raise ConfigError("folder must be a non-empty string", where=where, fix='folder = "pm"')
    if not isinstance(name, str) or not name.endswith((".md", ".markdown")) or "/" in name:
        raise ConfigError(
            f"name {name!r} must be a file name ending in .md",
            where=where,
            fix='name = "{date}-{slug}.md"',
        )
    try:
        fields = {f for _, f, _, _ in string.Formatter().parse(name) if f is not None}
    except ValueError:
        raise ConfigError(f"name {name!r} has unbalanced braces", where=where) from None
    if not fields <= _NAME_FIELDS:
        raise ConfigError(
            f"name {name!r} uses {', '.join(sorted(fields - _NAME_FIELDS))}",
            where=where,
            fix="use only {date} and {slug}",
        )
    base = source.path.parent
    return FilesConfig(base / folder if folder is not None else None, name)


def load_services(source: ConfigSource | None) -> tuple[str, ...]:
    """The service catalog's names (`[services.checkout-api]` …); empty when there is none."""
    if source is None:
        return ()
    return tuple(sorted(k for k, v in _table(source, "services").items() if isinstance(v, dict)))


def config_at(path: Path) -> ConfigSource:
    """An explicitly named config file (`--config`)."""
    if not path.is_file():
        raise ConfigError("no such config file", where=str(path), fix="check the --config path")
    table = "tool.hindsight.lint" if path.name == "pyproject.toml" else "lint"
    return ConfigSource(path, table)


def load_catalog(path: Path) -> list[ServiceEntry]:
    """The services a `hindsight.toml` (`[services.<name>]`) or a `pyproject.toml`
    (`[tool.hindsight.services.<name>]`) declares, validated by the core."""
    data: Any = _read(path)
    prefix = "services"
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("hindsight", {})
        prefix = "tool.hindsight.services"
    table = data.get("services", {}) if isinstance(data, dict) else {}
    from hindsight.core.catalog import entries_from_table

    return entries_from_table(table, origin=str(path), prefix=prefix)


def load_policy(source: ConfigSource | None) -> Policy:
    """The validated `[policy]` (`[tool.hindsight.policy]`) of a config file; the guide's
    trigger table when there is none."""
    from hindsight.core.policy import DEFAULT_POLICY
    from hindsight.core.policy_config import build_policy

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
