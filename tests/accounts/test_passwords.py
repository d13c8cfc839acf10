"""Password change and reset by e-mail, and a new password, however set, ending the API token."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.a11y import dangling_references, described_by
from tests.accounts.conftest import reset_link
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


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
