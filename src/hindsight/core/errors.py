"""The one error tree.

    HindsightError
    ├── UserError            bad input, usage or configuration: exit code 2, no traceback
    │   ├── InputError       a file or payload that cannot be read as what it claims to be
    │   └── ConfigError      a setting with a bad key or value
    └── (anything else)      a bug: reported with a traceback under --debug

A `UserError` always says where (file, line, field), what is wrong and how to fix it.
"""

from __future__ import annotations

from typing import Any


class HindsightError(Exception):
    """Base of every error Hindsight raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (a parse worker's error is raised by the caller).
        # The default pickling calls `cls(*args)`, which keyword-only constructors refuse.
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(cls: type[HindsightError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class UserError(HindsightError):
    def __init__(self, what: str, *, where: str | None = None, fix: str | None = None) -> None:
        self.what = what
        self.where = where
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text


class InputError(UserError):
    """Input that cannot be read as what it claims to be."""


class ConfigError(UserError):
    """A configuration key or value that is not allowed."""
