"""Lock-outs (django-axes) on the three log-ins: the page, the admin's and the API's token.

At most 10 wrong passwords for an account, or from an address, then refused for a
while even with the right password: a plain page (429) for people, 429 JSON with
Retry-After for programs. Staff see lock-outs in the admin and lift them there.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ATTACKER = "203.0.113.66"
ELSEWHERE = "198.51.100.20"


@pytest.fixture(autouse=True)
def _fast_passwords_and_no_rate_limits(settings):
    """PBKDF2 costs seconds a guess on a busy machine; the API's own rate limit (30/minute
    anonymous) would answer before the lock-out does."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "1000/minute"},
    }


def page_log_in(username: str, password: str, address: str = ATTACKER):
    return Client(REMOTE_ADDR=address).post(reverse("login"), {"username": username, "password": password})


def admin_log_in(username: str, password: str, address: str = ATTACKER):
    return Client(REMOTE_ADDR=address).post(
        "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
    )


def token_log_in(username: str, password: str, address: str = ATTACKER):
    return APIClient(REMOTE_ADDR=address).post(TOKEN, {"username": username, "password": password}, format="json")


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def assert_locked_page(response) -> None:
    assert response.status_code == 429
    assert "Too many failed log-ins for this account or from this address" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert "_auth_user_id" not in response.client.session


def assert_locked_json(response) -> None:
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert response.json()["detail"].startswith("Too many failed log-ins for this account or from this address")
    assert "token" not in response.json()


def test_the_log_in_page_locks_after_ten_wrong_passwords(owner, member):
    for _ in range(9):
        assert page_log_in("olivia", "wrong").status_code == 200  # the form again, "not correct"
    for _ in range(21):  # the tenth wrong password is answered with the lock-out
        assert_locked_page(page_log_in("olivia", "wrong"))
    assert_locked_page(page_log_in("olivia", PASSWORD))  # the right password, too late
    assert logged_in(page_log_in("max", PASSWORD, address=ELSEWHERE))  # another account, another address


def test_the_admin_log_in_locks_after_ten_wrong_passwords(staff, owner):
    for _ in range(30):
        admin_log_in("sam", "wrong")
    assert_locked_page(admin_log_in("sam", PASSWORD))
    owner.is_staff = True
    owner.save()
    assert logged_in(admin_log_in("olivia", PASSWORD, address=ELSEWHERE))


def test_the_api_token_locks_after_ten_wrong_passwords(owner, member):
    for _ in range(9):
        assert token_log_in("olivia", "wrong").status_code == 400
    for _ in range(21):  # the tenth wrong password is answered with the lock-out
        assert_locked_json(token_log_in("olivia", "wrong"))
    assert_locked_json(token_log_in("olivia", PASSWORD))
    assert not Token.objects.filter(user=owner).exists()
    assert token_log_in("max", PASSWORD, address=ELSEWHERE).status_code == 200


def test_one_account_is_locked_from_every_address(owner):
    """Guesses spread over many addresses still count against the account."""
    for i in range(10):
        token_log_in("olivia", "wrong", address=f"10.3.0.{i}")
    assert_locked_json(token_log_in("olivia", PASSWORD, address=ELSEWHERE))
    assert_locked_page(page_log_in("olivia", PASSWORD, address=ELSEWHERE))


def test_one_address_is_locked_for_every_account(owner, member):
    """Guesses spread over many accounts still count against the address."""
    for i in range(10):
        page_log_in(f"someone{i}", "wrong")
    assert_locked_page(page_log_in("max", PASSWORD))
    assert logged_in(page_log_in("max", PASSWORD, address=ELSEWHERE))


def test_staff_see_the_lock_out_in_the_admin_and_lift_it(owner, staff):
    for _ in range(10):
        token_log_in("olivia", "wrong")
    assert_locked_json(token_log_in("olivia", PASSWORD, address=ELSEWHERE))

    admin = Client()
    admin.force_login(staff)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "olivia" in listing.content.decode() and ATTACKER in listing.content.decode()

    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    lifted = admin.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": attempts, "post": "yes"}
    )
    assert lifted.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert token_log_in("olivia", PASSWORD, address=ELSEWHERE).status_code == 200
    assert token_log_in("olivia", PASSWORD).status_code == 200  # the address is free again too


def test_a_proxy_in_front_locks_the_client_not_everyone_behind_it(owner, member, settings):
    """Behind one trusted proxy the client is the address it forwards, not the proxy's own."""
    settings.NUM_PROXIES = 1
    proxy = "10.0.0.2"

    def through_proxy(username: str, password: str, client_address: str):
        return APIClient(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=client_address).post(
            TOKEN, {"username": username, "password": password}, format="json"
        )

    for i in range(10):
        through_proxy(f"someone{i}", "wrong", ATTACKER)
    assert_locked_json(through_proxy("max", PASSWORD, ATTACKER))
    assert through_proxy("max", PASSWORD, ELSEWHERE).status_code == 200
    assert AccessAttempt.objects.filter(ip_address=ATTACKER).exists()
    assert not AccessAttempt.objects.filter(ip_address=proxy).exists()


def test_a_forwarded_entry_that_is_no_address_is_no_500(owner, settings):
    """A proxy that forwards nothing usable: the connection's address is counted (PostgreSQL's inet
    column would refuse the text)."""
    settings.NUM_PROXIES = 1
    response = APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-address").post(
        TOKEN, {"username": "olivia", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert AccessAttempt.objects.get().ip_address == "10.0.0.2"
    assert (
        Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="")
        .post(reverse("login"), {"username": "olivia", "password": PASSWORD})
        .status_code
        == 302
    )
