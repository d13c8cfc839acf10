"""429 with Retry-After, per person and per anonymous address, counted in the shared cache."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache

from tests.api.conftest import PREDICTIONS, READINGS, upload


@pytest.fixture
def rates(settings):
    def set_rates(*, user: str = "1000/minute", anon: str = "1000/minute", reading: str = "1000/minute",
                  reading_address: str = "1000/minute") -> None:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
            "user": user, "anon": anon, "reading": reading, "reading_address": reading_address}}
    return set_rates


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert response.json()["detail"] == f"Too many requests: try again in {wait} second{'s' if wait != 1 else ''}."


def test_each_person_has_their_own_count(api, member_api, owner, rates):
    rates(user="3/minute")
    for _ in range(3):
        assert api.get(PREDICTIONS).status_code == 200
    assert_throttled(api.get(PREDICTIONS))
    assert_throttled(api.get(f"{PREDICTIONS}1/"))  # every endpoint shares the person's count
    assert member_api.get(PREDICTIONS).status_code == 200  # someone else is not held back
    # the count lives in the cache every worker shares, keyed by the person
    window = int(time.time() // 60)
    assert cache.get(f"throttle_user_{owner.pk}:{window}") == 3


def test_storing_pictures_is_throttled_too(api, png, rates):
    rates(user="2/minute")
    for _ in range(2):
        assert api.post(PREDICTIONS, {"image": upload(png["7"])}, format="multipart").status_code == 201
    assert_throttled(api.post(PREDICTIONS, {"image": upload(png["7"])}, format="multipart"))


def test_reading_without_storing_has_rates_of_its_own(api, anon, png, rates):
    """Live reading sends several requests a second: neither the person's API rate nor the
    anonymous one counts them, only the reading rates (per visitor, and per address)."""
    rates(user="1/minute", anon="1/minute", reading="3/minute")
    for client in (api, anon):
        for _ in range(3):
            assert client.post(READINGS, {"image": upload(png["7"])}, format="multipart").status_code == 200
        assert_throttled(client.post(READINGS, {"image": upload(png["7"])}, format="multipart"))
    assert api.get(PREDICTIONS).status_code == 200  # the person's own API rate was not spent
    other = anon.post(READINGS, {"image": upload(png["7"])}, format="multipart", REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200  # another visitor, elsewhere


def test_one_address_is_held_to_its_reading_rate_whoever_asks(api, member_api, anon, png, rates):
    rates(reading_address="4/minute")
    for client in (api, member_api, anon, api):
        assert client.post(READINGS, {"image": upload(png["7"])}, format="multipart").status_code == 200
    assert_throttled(member_api.post(READINGS, {"image": upload(png["7"])}, format="multipart"))


def test_anonymous_callers_are_throttled_by_address(anon, owner, rates):
    rates(anon="2/minute")
    for _ in range(2):
        assert anon.post("/api/v1/auth/token/", {"username": "olivia", "password": "x"}, format="json").status_code == 400
    assert_throttled(anon.post("/api/v1/auth/token/", {"username": "olivia", "password": "x"}, format="json"))
    assert_throttled(anon.get("/api/v1/schema/"))  # JSON, though the schema itself is YAML
    assert_throttled(anon.get("/api/v1/docs/"))
    other = anon.get("/api/v1/schema/", REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200


def test_a_forged_forwarded_for_header_does_not_dodge_the_anonymous_limit(anon, rates):
    rates(anon="2/minute")
    for i in range(2):
        assert anon.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code == 200
    assert_throttled(anon.get("/api/v1/schema/", HTTP_X_FORWARDED_FOR="10.0.0.99"))


def test_the_limit_slides_the_previous_minute_still_counts(owner, rates):
    """Two counters per person: this minute's, and the last one's weighed by how much of it
    still lies within the sliding minute."""
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from recognizer.api.throttling import UserThrottle

    rates(user="4/minute")
    request = Request(APIRequestFactory().get(PREDICTIONS))
    request.user = owner
    base = 60 * 29_000_000  # the start of some minute

    def attempt(at: float) -> UserThrottle:
        throttle = UserThrottle()
        throttle.timer = lambda: at
        throttle.allowed = throttle.allow_request(request, None)
        return throttle

    for _ in range(4):
        assert attempt(base + 59).allowed  # four requests at the end of a minute
    refused = attempt(base + 59)
    assert not refused.allowed and refused.wait() == pytest.approx(1)
    # 10 s into the next minute, those four weigh 4 * 50/60 = 3.3: one more fits, not two
    assert attempt(base + 70).allowed
    refused = attempt(base + 70)
    assert not refused.allowed
    assert refused.wait() == pytest.approx(5)  # 4 * (1 - (10 + 5)/60) + 1 = 4: free at 15 s
    assert attempt(base + 75.5).allowed
    # two minutes on, the four have gone
    for _ in range(3):
        assert attempt(base + 181).allowed


def test_the_rates_come_from_the_settings(api, rates):
    rates(user="1/minute")
    assert api.get(PREDICTIONS).status_code == 200
    assert api.get(PREDICTIONS).status_code == 429
    cache.clear()
    rates(user="5/minute")
    for _ in range(5):
        assert api.get(PREDICTIONS).status_code == 200


def test_the_cache_is_shared_not_per_process(settings):
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in ("django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache")
