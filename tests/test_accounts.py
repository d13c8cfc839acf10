"""Sign-up, log-in, log-out, password change and reset, and the API token page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.a11y import dangling_references, described_by
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
    response = client.post(
        reverse("login"), {"username": owner.username, "password": PASSWORD, "next": reverse("token")}
    )
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


def test_logout_says_so_on_the_page_it_lands_on(owner_client):
    response = owner_client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You have logged out." in response.content.decode()
    # Said once: the next page no longer shows it.
    assert "You have logged out." not in owner_client.get(reverse("login")).content.decode()


def test_password_change(owner_client, owner):
    new = "an0ther-Long-passphrase"
    bad = owner_client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    assert bad.status_code == 200
    assert "Your old password was entered incorrectly" in bad.content.decode()
    response = owner_client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
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


@pytest.mark.parametrize("action", ["token_regenerate", "token_revoke"])
def test_token_actions_ask_first_on_a_page_of_their_own(owner_client, owner, action):
    token = Token.objects.create(user=owner)
    page = owner_client.get(reverse("token")).content.decode()
    assert f'href="{reverse(action)}"' in page  # the token page links to the question, it does not act

    question = owner_client.get(reverse(action))
    html = question.content.decode()
    assert question.status_code == 200
    assert Token.objects.get(user=owner).key == token.key  # asking changed nothing
    assert token.key[-4:] in html and token.key not in html
    assert re.search(r'<form method="post" class="actions">\s*<input type="hidden" name="csrfmiddlewaretoken"', html)
    assert f'href="{reverse("token")}"' in html and "No, keep it" in html

    response = owner_client.post(reverse(action), follow=True)
    assert response.redirect_chain[-1][0] == reverse("token")
    after = Token.objects.filter(user=owner).first()
    if action == "token_regenerate":
        assert after is not None and after.key != token.key
        assert "the old one no longer works" in response.content.decode()
    else:
        assert after is None
        assert "Token revoked" in response.content.decode()


@pytest.mark.parametrize("action", ["token_regenerate", "token_revoke"])
def test_with_no_token_there_is_nothing_to_ask_about(owner_client, owner, action):
    response = owner_client.get(reverse(action))
    assert response.status_code == 302 and response.url == reverse("token")
    assert not Token.objects.filter(user=owner).exists()


def test_token_actions_need_a_signed_in_person(client):
    for action in ("token_regenerate", "token_revoke"):
        for method in (client.get, client.post):
            response = method(reverse(action))
            assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Token.objects.exists()


def test_the_token_page_has_a_copy_button_that_needs_no_framework(owner_client, owner):
    Token.objects.create(user=owner)
    html = owner_client.get(reverse("token")).content.decode()
    assert re.search(r'<button type="button" id="copy-token" data-copy="token-key"[^>]* hidden>', html)
    assert '<script src="/static/js/copy.js" defer></script>' in html
    assert dangling_references(html) == []


def test_the_token_date_is_written_as_history_writes_dates(owner_client, owner, settings):
    settings.TIME_ZONE = "UTC"
    token = Token.objects.create(user=owner)
    Token.objects.filter(pk=token.pk).update(created=dt.datetime(2026, 12, 1, 21, 21, tzinfo=dt.UTC))
    html = owner_client.get(reverse("token")).content.decode()
    assert 'Created <time datetime="2026-12-01T21:21:00+00:00">1 Dec 2026, 21:21</time>.' in html
    assert ".." not in html.replace("...", "")


# Password reset by e-mail ----------------------------------------------------------------------


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_by_email_from_the_link_to_logging_in(client, owner):
    login_page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Forgot your password?</a>' in login_page

    response = client.post(reverse("password_reset"), {"email": "OLIVIA@example.com"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert "Check your e-mail" in client.get(response.url).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["olivia@example.com"]
    assert message.subject == "Reset your password on Digits"
    assert owner.username in message.body and "If you did not ask for it" in message.body

    # The link leads to a form for the new password (Django moves the token out of the address first).
    form = client.get(reset_link(message), follow=True)
    assert form.status_code == 200
    assert "Choose a new password" in form.content.decode()
    set_password_url = form.redirect_chain[-1][0]
    new = "a-Brand-new-passphrase-9"
    done = client.post(set_password_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert "Password set" in client.get(done.url).content.decode()

    # The new password logs in; the old one does not; the link does not work twice.
    assert client.login(request=HttpRequest(), username=owner.username, password=PASSWORD) is False
    response = client.post(reverse("login"), {"username": owner.username, "password": new})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    client.post(reverse("logout"))
    again = client.get(reset_link(message), follow=True).content.decode()
    assert "This link no longer works" in again and f'href="{reverse("password_reset")}"' in again


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, owner, member):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []  # and the account without an address ("max") cannot be reached either


def test_password_reset_refuses_a_new_password_that_is_too_weak(client, owner):
    client.post(reverse("password_reset"), {"email": owner.email})
    form = client.get(reset_link(mail.outbox[0]), follow=True)
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "short", "new_password2": "short"})
    html = response.content.decode()
    assert response.status_code == 200 and "too short" in html
    assert dangling_references(html) == []
    assert described_by(html, "id_new_password2") == ["id_new_password2_helptext", "id_new_password2_error"]
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


# What sign-up promises --------------------------------------------------------------------------


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


# Help and error texts carry the ids the fields point at ----------------------------------------


@pytest.mark.parametrize("name", ["login", "signup", "password_reset"])
def test_every_aria_reference_on_the_signed_out_forms_exists(client, name):
    assert dangling_references(client.get(reverse(name)).content.decode()) == []
    # With errors too: each field then points at its error as well.
    html = client.post(reverse(name), {}).content.decode()
    assert dangling_references(html) == []


def test_a_field_is_described_by_its_help_and_its_error(client):
    html = signup(client, email="not-an-email").content.decode()
    assert described_by(html, "id_email") == ["id_email_helptext", "id_email_error"]
    assert re.search(r'<div class="error" id="id_email_error"><p>Enter a valid email address.</p></div>', html)
    assert '<div class="help" id="id_email_helptext">Optional.' in html


def test_every_aria_reference_on_the_password_change_form_exists(owner_client):
    assert dangling_references(owner_client.get(reverse("password_change")).content.decode()) == []
    html = owner_client.post(reverse("password_change"), {"old_password": "wrong"}).content.decode()
    assert "Your old password was entered incorrectly" in html
    assert dangling_references(html) == []


# --- A new password ends the API token too ---------------------------------------------


def token_works(key: str) -> bool:
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/predictions/").status_code == 200


def test_a_password_change_revokes_the_api_token(owner_client, owner):
    token = Token.objects.create(user=owner)
    assert token_works(token.key)
    page = owner_client.get(reverse("password_change")).content.decode()
    assert "A new password also revokes your API token" in page  # it says so before it happens
    new = "a-Brand-new-passphrase-9"
    response = owner_client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert not Token.objects.filter(user=owner).exists()
    assert not token_works(token.key)


def test_a_password_reset_revokes_the_api_token(client, owner):
    token = Token.objects.create(user=owner)
    client.post(reverse("password_reset"), {"email": owner.email})
    set_password_url = client.get(reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    new = "a-Brand-new-passphrase-9"
    assert client.post(set_password_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert not Token.objects.filter(user=owner).exists()
    assert not token_works(token.key)


def test_a_new_password_set_by_staff_in_the_admin_revokes_the_token_too(client, owner, staff):
    token = Token.objects.create(user=owner)
    client.force_login(staff)
    new = "a-Brand-new-passphrase-9"
    response = client.post(
        reverse("admin:auth_user_password_change", args=[owner.pk]),
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()


def test_a_stronger_hash_at_log_in_is_no_new_password(client, owner, settings):
    """Django re-hashes an old hash when its hasher changes: the same password, so the token stays."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    owner.password = make_password(PASSWORD, hasher="md5")
    owner.save()
    token = Token.objects.create(user=owner)
    assert client.login(request=HttpRequest(), username=owner.username, password=PASSWORD)
    owner.refresh_from_db()
    assert owner.password.startswith("pbkdf2_")  # upgraded ...
    assert Token.objects.filter(pk=token.pk).exists() and token_works(token.key)  # ... and the token kept


def test_the_token_page_is_never_cached(owner_client, owner):
    Token.objects.create(user=owner)
    response = owner_client.get(reverse("token"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


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
