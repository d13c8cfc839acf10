"""Help and error texts of the account forms carry the ids their fields point at (aria-describedby)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.a11y import dangling_references, described_by
from tests.accounts.conftest import signup

pytestmark = pytest.mark.django_db


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
