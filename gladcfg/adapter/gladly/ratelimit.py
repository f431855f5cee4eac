"""One rate limiter per instance, shared by every request of a plan or an apply.

Gladly allows a number of requests per second per organisation and method, counted across
all of the organisation's tokens; this pipeline may use ``budget_percent`` of it. The limiter
is a sliding window: no span of one second ever holds more than the budget, however many
workers send (a small margin absorbs the jitter of arrival). It also obeys the server:
``Ratelimit-Remaining-Second: 0`` waits for the next second, and a 429 blocks every worker
for an exponential backoff with jitter, or for ``Retry-After`` when the server sends one, and
slows the pace (three quarters of it per 429) until a quiet spell lets it climb back.
"""

from __future__ import annotations

import collections
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Protocol

MAX_BACKOFF_SECONDS = 30.0
# Gladly counts requests by the second they arrive in; network and server queueing move
# arrivals by tens of milliseconds. Counting each request for a little over a second keeps
# every arrival second within the budget, at the cost of about a tenth of the rate.
WINDOW_SECONDS = 1.1
# After a 429 slowed the limiter down, each span this long without another allows one more
# request per second again, up to the configured budget.
RECOVERY_SECONDS = 5.0


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class RateLimiter:
    def __init__(
        self,
        requests_per_second: float,
        budget_percent: float,
        *,
        clock: Clock | None = None,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        # The configured budget; after 429s the limiter runs below it (``budget``) and climbs
        # back one request per second per RECOVERY_SECONDS without another.
        self.ceiling = max(1, math.floor(requests_per_second * budget_percent / 100))
        self.budget = self.ceiling
        self._eased_at = 0.0
        self._slowed_at = -math.inf
        self._clock = clock or SystemClock()
        self._jitter = jitter
        self._sent: collections.deque[float] = collections.deque()
        self._blocked_until = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0  # seconds spent waiting, for reports

    def acquire(self) -> None:
        """Wait until one more request fits the budget, then count it as sent."""
        while True:
            with self._lock:
                now = self._clock.monotonic()
                while self._sent and self._sent[0] <= now - WINDOW_SECONDS:
                    self._sent.popleft()
                if self.budget < self.ceiling and now - self._eased_at >= RECOVERY_SECONDS:
                    self.budget += 1
                    self._eased_at = now
                if now < self._blocked_until:
                    wait = self._blocked_until - now
                elif len(self._sent) < self.budget:
                    self._sent.append(now)
                    return
                else:
                    wait = self._sent[0] + WINDOW_SECONDS - now
                self.waited += wait
            self._clock.sleep(wait)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Respect the server's count: none left this second means wait for the next."""
        remaining = headers.get("ratelimit-remaining-second")
        if remaining is not None and remaining.strip() == "0":
            self._block(1.0)

    def backoff(self, attempt: int, retry_after: str | None) -> float:
        """After a 429: block every worker, for ``Retry-After`` or 2^attempt s with jitter,
        and send at three quarters of the pace from then on, recovering slowly."""
        delay = _seconds(retry_after)
        if delay is None:
            delay = self.delay(attempt)
        self._block(delay)
        with self._lock:
            now = self._clock.monotonic()
            # Workers refused in the same moment are one signal, not many: once a window.
            if now - self._slowed_at >= WINDOW_SECONDS:
                self.budget = max(1, math.floor(self.budget * 3 / 4))
                self._slowed_at = now
            self._eased_at = now
        return delay

    def delay(self, attempt: int, *, base: float = 0.5, cap: float = MAX_BACKOFF_SECONDS) -> float:
        """The one backoff of every retry: ``base`` × 2^attempt, capped, with jitter so that
        workers that failed together do not all come back together."""
        return min(cap, base * 2.0**attempt) * (0.5 + self._jitter() / 2)

    def _block(self, seconds: float) -> None:
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock.monotonic() + seconds)


def _seconds(retry_after: str | None) -> float | None:
    if retry_after is None:
        return None
    try:
        seconds = float(retry_after)
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
    if not math.isfinite(seconds):
        return None  # "nan", "inf": no answer at all
    return min(MAX_BACKOFF_SECONDS, max(0.0, seconds))
