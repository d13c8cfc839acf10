"""What the account tests do as a person does: sign up through the form, follow a reset e-mail's link."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.conftest import PASSWORD


def signup(client, **overrides):
    data = {"username": "nina", "email": "nina@example.com", "password1": PASSWORD, "password2": PASSWORD}
    data.update(overrides)
    return client.post(reverse("signup"), data)


def reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", message.body)
    assert match, message.body
    return match.group(1)
