"""The API token page: make, regenerate and revoke a token, each asked first on a page of its own."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.a11y import dangling_references

pytestmark = pytest.mark.django_db


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


def test_the_token_page_is_never_cached(owner_client, owner):
    Token.objects.create(user=owner)
    response = owner_client.get(reverse("token"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
