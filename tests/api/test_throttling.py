"""429 with Retry-After, per person and per client address (behind trusted proxies too), counted in a
store every worker shares."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from tests.api.conftest import PREDICTIONS, READINGS, upload
from throttles.models import ThrottleCount

TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def still_clock(monkeypatch) -> float:
    """The throttles' clock held in the middle of one minute: a test's requests never straddle two."""
    now = 60 * 29_000_000 + 30.0
    monkeypatch.setattr(SimpleRateThrottle, "timer", staticmethod(lambda: now))
    return now


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    assert response.json()["detail"] == f"Too many requests: try again in {wait} second{'s' if wait != 1 else ''}."


def test_each_person_has_their_own_count(api, member_api, owner, rates, still_clock):
    rates(user="3/minute")
    for _ in range(3):
        assert api.get(PREDICTIONS).status_code == 200
    assert_throttled(api.get(PREDICTIONS))
    assert_throttled(api.get(f"{PREDICTIONS}1/"))  # every endpoint shares the person's count
    assert member_api.get(PREDICTIONS).status_code == 200  # someone else is not held back
    # the count lives in a table every worker shares, keyed by the person; refusals are not counted
    window = int(still_clock // 60)
    assert ThrottleCount.objects.get(key=f"throttle_user_{owner.pk}:{window}").count == 3


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
        wrong = anon.post("/api/v1/auth/token/", {"username": "olivia", "password": "x"}, format="json")
        assert wrong.status_code == 400
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

    from restapi.throttling import UserThrottle

    rates(user="4/minute")
    request = Request(APIRequestFactory().get(PREDICTIONS))
    request.user = owner
    base = 60 * 29_000_000  # the start of some minute

    def attempt(at: float) -> tuple[bool, UserThrottle]:
        """Whether a request at ``at`` is allowed, and the throttle that judged it."""
        throttle = UserThrottle()
        throttle.timer = lambda: at
        return throttle.allow_request(request, None), throttle

    for _ in range(4):
        assert attempt(base + 59)[0]  # four requests at the end of a minute
    allowed, refused = attempt(base + 59)
    assert not allowed and refused.wait() == pytest.approx(1)
    # 10 s into the next minute, those four weigh 4 * 50/60 = 3.3: one more fits, not two
    assert attempt(base + 70)[0]
    allowed, refused = attempt(base + 70)
    assert not allowed
    assert refused.wait() == pytest.approx(5)  # 4 * (1 - (10 + 5)/60) + 1 = 4: free at 15 s
    assert attempt(base + 75.5)[0]
    # two minutes on, the four have gone
    for _ in range(3):
        assert attempt(base + 181)[0]


def test_the_rates_come_from_the_settings(api, rates):
    rates(user="1/minute")
    assert api.get(PREDICTIONS).status_code == 200
    assert api.get(PREDICTIONS).status_code == 429
    ThrottleCount.objects.all().delete()
    rates(user="5/minute")
    for _ in range(5):
        assert api.get(PREDICTIONS).status_code == 200


def test_other_addresses_do_not_wipe_a_count(anon, rates):
    """The database cache kept 300 entries and culled a third when over: 320 requests from other
    addresses used to reset a brute-force count. Counts are rows now, kept until they expire."""
    rates(anon="2/minute")
    for _ in range(2):
        assert anon.post(TOKEN, {}, format="json").status_code == 400
    assert_throttled(anon.post(TOKEN, {}, format="json"))
    for i in range(320):
        assert anon.post(TOKEN, {}, format="json", REMOTE_ADDR=f"10.7.{i // 250}.{i % 250}").status_code == 400
    assert_throttled(anon.post(TOKEN, {}, format="json"))


def test_expired_counts_are_removed_as_new_ones_are_written(api, rates):
    rates(user="100/minute")
    old = ThrottleCount.objects.create(
        key="throttle_user_0:1", count=7, expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert api.get(PREDICTIONS).status_code == 200  # the person's first count of this minute: a new row
    assert not ThrottleCount.objects.filter(pk=old.pk).exists()
    assert ThrottleCount.objects.count() == 1


def test_behind_one_proxy_each_client_has_its_own_count_and_forging_does_not_help(anon, rates, settings):
    """With DJANGO_NUM_PROXIES=1 the client is the last X-Forwarded-For entry, the one our proxy
    wrote; anything further left is the client's own writing."""
    settings.NUM_PROXIES = 1
    rates(anon="2/minute")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}  # every request comes through the load balancer
    for _ in range(2):
        assert anon.post(TOKEN, {}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 400
    assert_throttled(anon.post(TOKEN, {}, format="json", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy))
    # another client behind the same proxy is not held back
    assert anon.post(TOKEN, {}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 400
    # the first client writes an address of its own in front: the proxy still appends the real one
    for forged in ("198.51.100.99", "1.2.3.4, 5.6.7.8"):
        assert_throttled(anon.post(TOKEN, {}, format="json", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.5", **proxy))


def test_without_trusted_proxies_forwarded_for_is_ignored(anon, rates, settings):
    settings.NUM_PROXIES = 0
    rates(anon="2/minute")
    for i in range(2):
        assert anon.post(TOKEN, {}, format="json", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code == 400
    assert_throttled(anon.post(TOKEN, {}, format="json", HTTP_X_FORWARDED_FOR="10.0.0.99"))
