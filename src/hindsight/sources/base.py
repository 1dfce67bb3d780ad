"""The one small protocol every evidence source implements, and the error it raises.

A source turns the bytes of one payload (a webhook body, an API response, an export) into
events. Parsing is pure and all-or-nothing: an adapter reads the whole payload before it
returns anything, so a payload that is wrong anywhere yields a `SourceError` and no events.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from hindsight.core.errors import InputError
from hindsight.core.events import Event

if TYPE_CHECKING:
    from hindsight.sources.webhook import Webhook

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
    """An evidence source: a name, a shape test, a pure parser, the keys that tie its
    payloads to an incident, and its webhook (None if it has none)."""

    name: str

    @property
    def webhook(self) -> Webhook | None:
        """The source's webhook part (content types, verifier, pre-steps), if it has one."""
        ...

    def detect(self, name: str, data: bytes) -> bool:
        """Whether the payload looks like this source's (cheap; no full validation)."""
        ...

    def parse(self, name: str, data: bytes) -> tuple[Event, ...]:
        """Every event in the payload, or a `SourceError` naming `name` and the bad field."""
        ...

    def correlation_keys(self, payload: bytes, events: Sequence[Event]) -> frozenset[str]:
        """The keys that tie this payload to an incident across deliveries (an alert group,
        a paging tool's incident id); called with the events `parse` gave for `payload`."""
        ...


def subject_keys(events: Sequence[Event]) -> frozenset[str]:
    """Correlation keys of a source whose events name their incident in `subject`."""
    return frozenset(e.subject for e in events if e.subject)


NO_KEYS: frozenset[str] = frozenset()
