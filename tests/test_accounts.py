"""Sign-up, log-in, log-out, password change and the API token page."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def signup(client, **overrides):
    data = {"username": "nina", "email": "nina@example.com", "password1": PASSWORD, "password2": PASSWORD}
    data.update(overrides)
    return client.post(reverse("signup"), data)


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


def test_login_and_redirect_to_the_page_asked_for(client, owner):
    response = client.post(reverse("login"), {"username": owner.username, "password": PASSWORD,
                                              "next": reverse("token")})
    assert response.status_code == 302
    assert response.url == reverse("token")
    assert client.get(reverse("token")).status_code == 200


@pytest.mark.parametrize("wrong", ["username", "password"])
def test_login_failure_does_not_say_which_half_was_wrong(client, owner, wrong):
    data = {"username": owner.username, "password": PASSWORD}
    data[wrong] = "nope-" + data[wrong]
    response = client.post(reverse("login"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html
    assert "_auth_user_id" not in client.session


def test_logout_is_post_only(owner_client):
    assert owner_client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in owner_client.session
    response = owner_client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert "_auth_user_id" not in owner_client.session


def test_password_change(owner_client, owner):
    new = "an0ther-Long-passphrase"
    bad = owner_client.post(reverse("password_change"), {"old_password": "wrong", "new_password1": new,
                                                         "new_password2": new})
    assert bad.status_code == 200
    assert "Your old password was entered incorrectly" in bad.content.decode()
    response = owner_client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": new,
                                                              "new_password2": new})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new)
    assert owner_client.get(reverse("recognizer:draw")).status_code == 200  # still signed in


def test_nav_shows_admin_only_to_staff(owner_client, client, staff):
    assert reverse("admin:index") not in owner_client.get(reverse("recognizer:draw")).content.decode()
    client.force_login(staff)
    assert reverse("admin:index") in client.get(reverse("recognizer:draw")).content.decode()


def test_token_create_regenerate_revoke(owner_client, owner):
    page = owner_client.get(reverse("token")).content.decode()
    assert "You have no token yet" in page

    owner_client.post(reverse("token_regenerate"))
    first = Token.objects.get(user=owner).key
    assert first in owner_client.get(reverse("token")).content.decode()

    owner_client.post(reverse("token_regenerate"))
    second = Token.objects.get(user=owner).key
    assert second != first

    owner_client.post(reverse("token_revoke"))
    assert not Token.objects.filter(user=owner).exists()


def test_token_actions_are_post_only(owner_client, owner):
    assert owner_client.get(reverse("token_regenerate")).status_code == 405
    assert owner_client.get(reverse("token_revoke")).status_code == 405
    assert not Token.objects.filter(user=owner).exists()
