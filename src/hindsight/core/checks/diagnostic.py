"""Findings as data: what a rule found, where, how sure it is and what to write instead."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is more severe; used for `--fail-on` thresholds."""
        return {"info": 1, "warning": 2, "error": 3}[self.value]


@dataclass(frozen=True)
class Diagnostic:
    """One finding in one document. Lines and columns are 1-based."""

    code: str
    name: str
    message: str
    severity: Severity
    line: int
    column: int = 1
    end_line: int | None = None
    confidence: float = 1.0
    suggestion: str | None = None

    def __post_init__(self) -> None:
        if self.line < 1 or self.column < 1:
            raise ValueError(f"invalid position {self.line}:{self.column}")
        if not 0.0 < self.confidence <= 1.0:
            raise ValueError(f"confidence {self.confidence} is not in (0, 1]")

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        return (self.line, self.column, self.code, self.message)


@dataclass(frozen=True)
class Metric:
    """A number a check computed about the document, e.g. the cause→detection gap."""

    name: str
    value: float
    unit: str
    line: int | None = None
    detail: str = ""
