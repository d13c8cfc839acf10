"""Log-in, log-out, and the admin link only staff see once signed in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


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


def test_nav_shows_admin_only_to_staff(owner_client, client, staff):
    assert reverse("admin:index") not in owner_client.get(reverse("recognizer:draw")).content.decode()
    client.force_login(staff)
    assert reverse("admin:index") in client.get(reverse("recognizer:draw")).content.decode()
