"""Rate limits per person and per anonymous address, counted in the shared cache.

The counts live in Django's default cache, which every worker process reaches
(the database cache, or Redis when REDIS_URL is set), never in one process's
memory.

Why not DRF's classes as they are:
- they read the rates once, at import; these read them on every request, so a
  changed setting (and a test's override) takes effect;
- they keep the time of every request of the last period in one cache entry
  and rewrite it on each request: at a generous rate (say 600/minute, or a
  benchmark's) that is thousands of floats pickled and written per request.
  These keep two small counters instead, this period's and the previous one's,
  and weigh the previous one by how much of it still lies within the sliding
  period (the usual sliding-window approximation). One cache read and one
  small write per request.
- with NUM_PROXIES unset DRF trusts X-Forwarded-For, which any client can
  forge to dodge the anonymous limit; here the address is the connection's
  own unless NUM_PROXIES says how many proxies to trust.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _SlidingWindowCounter:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_ident(self, request) -> str:
        if api_settings.NUM_PROXIES is None:
            return request.META.get("REMOTE_ADDR") or "unknown"
        return super().get_ident(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        self.elapsed = now - window * self.duration
        current, previous = f"{self.key}:{window}", f"{self.key}:{window - 1}"
        counts = self.cache.get_many([current, previous])
        self.current, self.previous = counts.get(current, 0), counts.get(previous, 0)
        if self._estimate(self.elapsed) >= self.num_requests:
            return self.throttle_failure()
        # Kept through the next period, where it is the "previous" count.
        self.cache.set(current, self.current + 1, timeout=2 * self.duration + 1)
        return True

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


class AnonThrottle(_SlidingWindowCounter, AnonRateThrottle):
    """Requests without credentials, per client address (scope "anon")."""


class UserThrottle(_SlidingWindowCounter, UserRateThrottle):
    """Requests of a signed-in person, per person (scope "user")."""



class ReadingVisitorThrottle(_SlidingWindowCounter, UserRateThrottle):
    """Readings without storing, per person (or per address without an account): scope "reading".

    Generous enough that a person drawing with live reading (a few requests a
    second while the pen moves) never meets it.
    """

    scope = "reading"


class ReadingAddressThrottle(_SlidingWindowCounter, AnonRateThrottle):
    """Readings without storing, per client address, whoever asks: scope "reading_address".

    Several people behind one address share it; it bounds what one script can
    take, with or without accounts.
    """

    scope = "reading_address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
