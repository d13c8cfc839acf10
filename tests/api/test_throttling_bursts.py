"""Counts are atomic: a burst of concurrent requests against a live server lets exactly the limit
through, counted in the database or in Redis."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

import pytest
import redis
import requests
from django.test import override_settings
from rest_framework.authtoken.models import Token

from tests.api.conftest import PREDICTIONS
from tests.servers import free_port
from throttles.models import ThrottleCount


def burst(url: str, headers: dict[str, str], n: int) -> list[int]:
    """n requests at once, each from its own thread, released together."""
    start = threading.Barrier(n)
    codes: list[int] = []

    def one() -> None:
        start.wait()
        codes.append(requests.get(url, headers=headers, timeout=120).status_code)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


def test_a_burst_of_100_concurrent_requests_lets_exactly_20_through(live_server, django_user_model, rates):
    """A get-then-set count let 24-25 of 100 through on PostgreSQL; an atomic increment lets 20.

    Over a day, so that the burst does not straddle two periods (the sliding estimate would
    then weigh the first period's requests by a little less than one).
    """
    rates(user="20/day")
    if time.time() % 86400 > 86400 - 60:
        time.sleep(61)  # not across midnight UTC
    user = django_user_model.objects.create_user("burst", "", "a-Long-enough-passw0rd")
    token = Token.objects.create(user=user)
    codes = burst(live_server.url + PREDICTIONS, {"Authorization": f"Token {token.key}"}, 100)
    assert sorted(set(codes)) == [200, 429]
    assert codes.count(200) == 20 and codes.count(429) == 80
    assert ThrottleCount.objects.get(key__startswith=f"throttle_user_{user.pk}:").count == 20


@pytest.fixture
def redis_url():
    """A Redis of the test's own (Debian's redis-server), on a free port, keeping nothing on disk."""
    server = shutil.which("redis-server")
    assert server, "redis-server is needed for the Redis count tests: apt-get install redis-server"
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def test_with_redis_the_burst_is_counted_by_incr_and_lets_exactly_20_through(
    live_server, django_user_model, rates, redis_url
):
    rates(user="20/day")
    if time.time() % 86400 > 86400 - 60:
        time.sleep(61)  # not across midnight UTC
    user = django_user_model.objects.create_user("burst", "", "a-Long-enough-passw0rd")
    token = Token.objects.create(user=user)
    # A generous timeout: this is about counting a burst exactly; a loaded machine may keep
    # Redis waiting past the 0.25 s of production, which would (rightly) let requests through.
    with override_settings(REDIS_URL=redis_url, REDIS_TIMEOUT_SECONDS=5.0):
        codes = burst(live_server.url + PREDICTIONS, {"Authorization": f"Token {token.key}"}, 100)
    assert codes.count(200) == 20 and codes.count(429) == 80
    assert not ThrottleCount.objects.exists()  # nothing in the database ...
    store = redis.Redis.from_url(redis_url)
    [key] = store.keys(f"throttle:throttle_user_{user.pk}:*")  # ... the count is in Redis, with an expiry
    count = store.get(key)
    assert count is not None and int(count) == 20
    assert 0 < store.ttl(key) <= 2 * 86400 + 1
