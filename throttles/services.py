"""Counting requests atomically, in Redis when REDIS_URL is set, else in the database.

A count is bumped first and judged after, never read, compared and written
back: two workers that read 19 at once against a limit of 20 would both write
20 and let both through. An increment hands every request its own number, so
at most `limit` of them ever see a number within it.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import redis
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from throttles.models import ThrottleCount

logger = logging.getLogger(__name__)

REDIS_PREFIX = "throttle:"
# What a count store that fails may raise, ValueError included ("I/O operation on closed file",
# seen from redis-py when a connection was closed under a read). None of them may become a 500.
STORE_ERRORS = (redis.RedisError, OSError, ValueError, DatabaseError)


class CountStoreUnavailable(Exception):
    """The counts could not be reached (Redis, or the database when it keeps them).

    Callers let the request through and log it: without the database a visitor's
    live reading, which needs nothing else from it, still works.
    """


_local = threading.local()


def _redis() -> redis.Redis:
    """A client of this thread's own: redis-py shares one connection pool between the threads
    of a client, and under a burst a connection was seen closed under another thread's read."""
    key = (settings.REDIS_URL, settings.REDIS_TIMEOUT_SECONDS)
    client = getattr(_local, "clients", {}).get(key)
    if client is None:
        # No retries: redis-py's default retries would multiply the timeout.
        client = redis.Redis.from_url(
            key[0], socket_connect_timeout=key[1], socket_timeout=key[1], retry=Retry(NoBackoff(), 0)
        )
        _local.clients = {**getattr(_local, "clients", {}), key: client}
    return client


def count_hit(*, key: str, previous_key: str, ttl: int) -> tuple[int, int]:
    """Add one to `key`; give its new value and `previous_key`'s (0 when none).

    `ttl` (seconds) is how long `key` must be kept: a sliding window still
    reads it through the next period.
    """
    try:
        if settings.REDIS_URL:
            return _redis_hit(key=key, previous_key=previous_key, ttl=ttl)
        return _database_hit(key=key, previous_key=previous_key, ttl=ttl)
    except STORE_ERRORS as exc:
        raise CountStoreUnavailable(str(exc)) from exc


def count_unhit(*, key: str) -> None:
    """Take back one from `key`: a refused request does not count against the next ones."""
    try:
        if settings.REDIS_URL:
            _redis().decr(REDIS_PREFIX + key)
        else:
            with transaction.atomic():  # a savepoint inside a caller's transaction: a failure leaves it usable
                ThrottleCount.objects.filter(key=key).update(count=F("count") - 1)
    except STORE_ERRORS as exc:
        raise CountStoreUnavailable(str(exc)) from exc


def _redis_hit(*, key: str, previous_key: str, ttl: int) -> tuple[int, int]:
    pipe = _redis().pipeline(transaction=True)  # MULTI ... EXEC: one step for Redis
    pipe.incr(REDIS_PREFIX + key)
    pipe.expire(REDIS_PREFIX + key, ttl)
    pipe.get(REDIS_PREFIX + previous_key)
    count, _, previous = pipe.execute()
    return int(count), int(previous or 0)


def _database_hit(*, key: str, previous_key: str, ttl: int) -> tuple[int, int]:
    now = timezone.now()
    with transaction.atomic():
        # UPDATE ... SET count = count + 1 is atomic on its own; the row stays
        # locked to this transaction until it reads its value back.
        if not ThrottleCount.objects.filter(key=key).update(count=F("count") + 1):
            try:
                with transaction.atomic():  # a savepoint: a lost race to create leaves the transaction usable
                    ThrottleCount.objects.create(key=key, count=1, expires_at=now + timedelta(seconds=ttl))
            except IntegrityError:  # another request created it first: count on its row
                ThrottleCount.objects.filter(key=key).update(count=F("count") + 1)
            else:
                # A new period began for this client: the right moment to drop expired counts.
                ThrottleCount.objects.filter(expires_at__lt=now).delete()
        counts = dict(
            ThrottleCount.objects.filter(key__in=[key, previous_key], expires_at__gte=now).values_list("key", "count")
        )
    return counts.get(key, 0), counts.get(previous_key, 0)
