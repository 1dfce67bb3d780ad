"""The settings that apply to an open document: its nearest `hindsight.toml`, re-read when the
file changes (so editing the config re-lints open documents with the new rules)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hindsight.config import ConfigSource, find_config, load_options, load_services
from hindsight.core.checks import LintOptions
from hindsight.core.errors import ConfigError


@dataclass(frozen=True)
class DocumentSettings:
    options: LintOptions
    services: tuple[str, ...]
    problem: str | None = None  # a config error, shown once instead of silently ignored


_DEFAULT = DocumentSettings(LintOptions(), ())


class SettingsCache:
    def __init__(self) -> None:
        self._cache: dict[tuple[Path, int], DocumentSettings] = {}

    def for_path(self, path: Path | None) -> DocumentSettings:
        if path is None:
            return _DEFAULT
        try:
            source = find_config(path)
        except ConfigError as error:
            return DocumentSettings(LintOptions(), (), error.message)
        if source is None:
            return _DEFAULT
        return self._load(source)

    def _load(self, source: ConfigSource) -> DocumentSettings:
        try:
            stamp = source.path.stat().st_mtime_ns
        except OSError:
            return _DEFAULT
        key = (source.path, stamp)
        if key not in self._cache:
            try:
                found = DocumentSettings(load_options(source), load_services(source))
            except ConfigError as error:
                found = DocumentSettings(LintOptions(), (), error.message)
            self._cache[key] = found
        return self._cache[key]
