"""Failed authentications per client address: after `limit` failures in `window` seconds the
client's further failures get 429 (with Retry-After) instead of 401, until the oldest failure
ages out. Valid credentials are checked first and never refused here, so one client sending
bad tokens cannot lock out everyone else behind the same address (a NAT, a proxy).

The app keeps two: one for the API (and `/metrics`), one for the webhooks, so a misconfigured
sender's bad signatures never slow the API down, nor the other way round."""

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

    def refuse(self, client: str) -> int | None:
        """Record a failure: None while `client` is within its `limit`, after that the seconds
        until its oldest failure ages out (the answer becomes 429 instead of 401)."""
        wait = self.retry_after(client)
        self.failed(client)
        return wait

    def failed(self, client: str) -> None:
        with self._lock:
            now = self.clock()
            found = self._recent(client, now)
            found.append(now)
            if len(self._failures) > 100_000:  # bounded memory under a spray of addresses
                self._failures = {client: found}
