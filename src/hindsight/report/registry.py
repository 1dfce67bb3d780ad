"""Output formats by name. Each format is its own module; the CLI only looks one up."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hindsight.core.checks import LintResult
from hindsight.core.document.model import Document
from hindsight.core.errors import UserError


@dataclass(frozen=True)
class FileResult:
    """The lint result of one file, with the path as the user named it."""

    path: str
    result: LintResult
    # The parsed text, when the caller has it: formats that locate findings by section use it.
    document: Document | None = None


Formatter = Callable[[Sequence[FileResult], bool], str]  # (files, color) → output text

_FORMATS: dict[str, Formatter] = {}
_BUILT_IN = ("text", "json", "sarif", "github", "gitlab", "junit")


def register_format(name: str) -> Callable[[Formatter], Formatter]:
    def decorate(formatter: Formatter) -> Formatter:
        _FORMATS[name] = formatter
        return formatter

    return decorate


def format_names() -> tuple[str, ...]:
    _load()
    return tuple(sorted(_FORMATS))


def get_format(name: str) -> Formatter:
    if name in _BUILT_IN and name not in _FORMATS:
        importlib.import_module(f"hindsight.report.{name}")  # only the one asked for
    found = _FORMATS.get(name)
    if found is None:
        _load()
        raise UserError(
            f"unknown output format {name!r}", fix=f"use one of: {', '.join(format_names())}"
        )
    return found


def _load() -> None:
    for module in _BUILT_IN:
        importlib.import_module(f"hindsight.report.{module}")
