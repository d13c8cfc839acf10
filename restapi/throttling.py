"""Rate limits per person and per client address, counted atomically in a store every worker shares.

The counts live in Redis when REDIS_URL is set, else in a table of their own
(throttles.ThrottleCount), never in one process's memory, and never in
Django's database cache, which culls entries (other clients' requests would
wipe a brute-force count). Each request bumps its count atomically before it
is judged (throttles.services), so a burst of concurrent requests cannot slip
past the limit between a read and a write.

Why not DRF's classes as they are:
- they read the rates once, at import; these read them on every request, so a
  changed setting (and a test's override) takes effect;
- they keep the time of every request of the last period in one cache entry
  and rewrite it on each request (thousands of floats at a generous rate), with
  a get-then-set that concurrent requests race through. These keep two
  counters, this period's and the previous one's, and weigh the previous one by
  how much of it still lies within the sliding period (the usual
  sliding-window approximation);
- the client address is throttles.addresses.client_address, the same that the
  log-in lock-outs use: the connection's own unless NUM_PROXIES says how many
  proxies to trust.

If the count store cannot be reached the request goes through, with a warning
in the log: a broken Redis must not take the whole API down with it.
"""

from __future__ import annotations

import logging

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from throttles.addresses import client_address
from throttles.services import CountStoreUnavailable, count_hit, count_unhit

logger = logging.getLogger(__name__)


class SlidingWindowCounter(SimpleRateThrottle):
    scope: str
    # Set by SimpleRateThrottle.__init__ from the rate (its stubs leave them out); used only with a rate.
    num_requests: int
    duration: int
    # This request's counts, set by allow_request for wait().
    current: int
    previous: int
    elapsed: float

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # "100/minute" (the stubs say a number)
        return None if rate is None else str(rate)

    def get_ident(self, request) -> str:
        return client_address(request) or "unknown"

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.elapsed = now - window * self.duration
        current = f"{self.key}:{window}"
        try:
            # Kept through the next period, where it is the "previous" count.
            self.current, self.previous = count_hit(
                key=current, previous_key=f"{self.key}:{window - 1}", ttl=2 * self.duration + 1
            )
        except CountStoreUnavailable as exc:
            logger.warning("rate limit %s not applied, the count store is unavailable: %s", self.scope, exc)
            return True
        if self._estimate(self.elapsed) - 1 < self.num_requests:  # the others before this one are within
            return True
        try:
            count_unhit(key=current)  # refused: it does not count against the next ones
        except CountStoreUnavailable as exc:
            logger.warning(
                "rate limit %s: a refused request stays counted, the count store is unavailable: %s", self.scope, exc
            )
        self.current -= 1
        return self.throttle_failure()

    def _estimate(self, elapsed: float) -> float:
        return self.previous * (1 - elapsed / self.duration) + self.current

    def wait(self) -> float:
        """Seconds until a request would be allowed again."""
        to_next_window = self.duration - self.elapsed
        if self.current >= self.num_requests or not self.previous:
            return to_next_window
        # previous * (1 - (elapsed + w) / duration) + current < num_requests
        w = self.duration * (1 - (self.num_requests - self.current) / self.previous) - self.elapsed
        return min(max(w, 0.0), to_next_window)


class AnonThrottle(SlidingWindowCounter, AnonRateThrottle):
    """Requests without credentials, per client address (scope "anon")."""


class UserThrottle(SlidingWindowCounter, UserRateThrottle):
    """Requests of a signed-in person, per person (scope "user")."""


class AddressThrottle(SlidingWindowCounter):
    """Requests per client address, whoever asks, signed in or not: the subclass names the scope."""

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
