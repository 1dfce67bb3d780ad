"""The one small protocol every evidence source implements, and the error it raises.

A source turns the bytes of one payload (a webhook body, an API response, an export) into
events. Parsing is pure and all-or-nothing: an adapter reads the whole payload before it
returns anything, so a payload that is wrong anywhere yields a `SourceError` and no events.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from hindsight.core.errors import InputError
from hindsight.core.events import Event

# Real payloads are far smaller (PagerDuty drops webhooks over 256 KB; a busy day of Slack is a
# few MB); anything this big is a mistake or an attack, not evidence.
MAX_PAYLOAD_BYTES = 64 * 1024 * 1024


class SourceError(InputError):
    """A payload that is not what its source sends: names the file and the field, and why."""

    def __init__(
        self,
        what: str,
        *,
        where: str,
        field: str | None = None,
        fix: str = "pass the payload exactly as the tool sent or exported it",
    ) -> None:
        self.file = where
        self.field = field
        super().__init__(f"{field}: {what}" if field else what, where=where, fix=fix)


@runtime_checkable
class Source(Protocol):
    """An evidence source: a name, a shape test, and a pure parser."""

    name: str

    def detect(self, name: str, data: bytes) -> bool:
        """Whether the payload looks like this source's (cheap; no full validation)."""
        ...

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        """Every event in the payload, or a `SourceError` naming `name` and the bad field."""
        ...
