"""What every page has: a skip link first, the site's icon, and no dangling ARIA reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from tests.a11y import dangling_references

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name", ["recognizer:draw", "recognizer:history", "token", "password_change", "login", "password_reset"]
)
def test_every_page_has_a_skip_link_a_favicon_and_no_dangling_aria_reference(client, owner, name):
    if name not in ("login", "password_reset"):
        client.force_login(owner)
    html = client.get(reverse(name)).content.decode()
    body = html.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip-link" href="#main">Skip to main content</a>')  # the first thing to tab to
    assert '<main id="main" tabindex="-1">' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert dangling_references(html) == []


def test_the_favicon_is_a_static_file_of_the_site(owner_client):
    from django.contrib.staticfiles import finders

    found = finders.find("favicon.svg")
    assert isinstance(found, str), found
    svg = Path(found).read_text()
    assert svg.startswith("<svg") and "http://www.w3.org/2000/svg" in svg and "href" not in svg


def test_browsers_asking_for_favicon_ico_get_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/favicon.svg"
