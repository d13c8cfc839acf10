"""Sign-up: the account made and signed in, bad input refused as typed, what it promises to store,
and its limit per address."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import signup
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_signup_creates_the_account_and_logs_in(client):
    response = signup(client)
    assert response.status_code == 302
    assert response.url == reverse("recognizer:draw")
    user = User.objects.get(username="nina")
    assert user.email == "nina@example.com"
    assert user.check_password(PASSWORD)
    page = client.get(reverse("recognizer:draw"))
    assert page.status_code == 200
    assert "Signed in as" in page.content.decode() and "nina" in page.content.decode()


def test_signup_email_is_optional(client):
    assert signup(client, email="").status_code == 302
    assert User.objects.get(username="nina").email == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password1": "short", "password2": "short"}, "too short"),
        ({"password1": "password", "password2": "password"}, "too common"),
        ({"password1": "12345678901", "password2": "12345678901"}, "entirely numeric"),
        ({"password2": PASSWORD + "x"}, "didn’t match"),
        ({"username": ""}, "This field is required"),
        ({"email": "not-an-email"}, "valid email"),
    ],
)
def test_signup_rejects_bad_input_keeps_what_was_typed_and_creates_nothing(client, overrides, message):
    response = signup(client, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert not User.objects.exists()
    if overrides.get("username", "nina"):
        assert 'value="nina"' in html
    assert PASSWORD not in html  # passwords are never echoed back


def test_signup_with_a_taken_username(client, owner):
    response = signup(client, username=owner.username)
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_signup_says_plainly_what_is_stored_and_what_the_email_is_for(client):
    html = " ".join(client.get(reverse("signup")).content.decode().split())
    assert "What is stored" in html
    for stored in ("user name", "one-way hash", "e-mail", "each reading you save", "Live readings"):
        assert stored in html
    assert "Only used to send you a link if you forget your password" in html


def test_the_email_given_at_signup_is_where_the_reset_link_goes(client):
    signup(client)
    client.post(reverse("logout"))
    client.post(reverse("password_reset"), {"email": "nina@example.com"})
    assert [m.to for m in mail.outbox] == [["nina@example.com"]]


def test_signup_is_limited_per_address(settings):
    """At most SIGNUP_RATE accounts from one address; then a plain page, 429, and no account."""
    settings.SIGNUP_RATE = "5/hour"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for i in range(5):
        response = signup(Client(REMOTE_ADDR="203.0.113.9"), username=f"script{i}", email="")
        assert response.status_code == 302, response.content
    refused = signup(Client(REMOTE_ADDR="203.0.113.9"), username="script5", email="")
    assert refused.status_code == 429
    assert "Too many accounts have been made from your address" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert not User.objects.filter(username="script5").exists()
    assert "_auth_user_id" not in refused.client.session
    # a mistyped form is no account: it does not count, and is shown as before
    retyped = signup(Client(REMOTE_ADDR="198.51.100.3"), username="nina", password2="different")
    assert retyped.status_code == 200
    for i in range(5):
        assert signup(Client(REMOTE_ADDR="198.51.100.3"), username=f"nina{i}", email="").status_code == 302
