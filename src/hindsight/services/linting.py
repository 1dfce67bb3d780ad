"""Linting as a use case: one config-aware path for the CLI, the API and the web UI, so a
postmortem draws the same findings wherever it is checked.

The options come from the team's `hindsight.toml` (`[lint]`) or `pyproject.toml`
(`[tool.hindsight.lint]`): for a file, the nearest one above it; for the server, the file
`HINDSIGHT_LINT_CONFIG` names, else the nearest one above the directory it runs in.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from hindsight.config import ConfigSource, config_at, find_config, load_options

__all__ = [
    "ConfigSource",
    "lint_markdown",
    "load_options",
    "options_for",
    "server_options",
    "settings_options",
    "source_for",
]
from hindsight.core.checks import LintOptions, LintResult, lint
from hindsight.core.document import parse


def options_for(
    path: Path, *, explicit: Path | None = None, use_config: bool = True
) -> LintOptions:
    """The options that apply to the postmortem at `path` (or the explicitly named config)."""
    return load_options(source_for(path, explicit=explicit, use_config=use_config))


def source_for(
    path: Path, *, explicit: Path | None = None, use_config: bool = True
) -> ConfigSource | None:
    if not use_config:
        return None
    return config_at(explicit) if explicit is not None else find_config(path)


@lru_cache(maxsize=8)
def server_options(config: str | None, cwd: str) -> LintOptions:
    """The options a server lints with: `config` (a path from the settings), else the config
    nearest above `cwd`. Read once per (config, cwd): a server restart picks up changes."""
    return options_for(Path(cwd), explicit=Path(config) if config else None)


def settings_options(lint_config: str | None) -> LintOptions:
    """The server's options: the file its `lint_config` setting names, else the nearest
    config above the directory it runs in."""
    return server_options(lint_config, os.getcwd())


def lint_markdown(markdown: str, options: LintOptions) -> LintResult:
    return lint(parse(markdown), options)
