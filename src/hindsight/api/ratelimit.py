"""Failed authentications per client address: after `limit` failures in `window` seconds the
client gets 429 until the oldest failure ages out, whatever it presents (so guessing tokens
or signatures is slow). Successful requests are never limited here."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class FailureLimiter:
    def __init__(
        self, limit: int, window: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        found = self._failures.setdefault(client, deque())
        while found and now - found[0] >= self.window:
            found.popleft()
        return found

    def retry_after(self, client: str) -> int | None:
        """Seconds until `client` may try again, or None if it is not blocked."""
        with self._lock:
            now = self.clock()
            found = self._recent(client, now)
            if len(found) < self.limit:
                if not found:
                    self._failures.pop(client, None)
                return None
            return max(1, int(self.window - (now - found[0])) + 1)

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            found = self._recent(client, now)
            found.append(now)
            if len(self._failures) > 100_000:  # bounded memory under a spray of addresses
                self._failures = {client: found}
