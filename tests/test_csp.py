"""Every HTML page carries the Content-Security-Policy, and none needs 'unsafe-inline' to work.

The policy only protects if the pages keep to it, so each page's HTML is also
read for what the policy would block: style attributes, <style> elements,
inline event handlers and inline scripts without this response's nonce. The
browser's own verdict on the same pages is tests/e2e/test_csp.py.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from recognizer import services
from tests.pictures import digits_png

POLICY = {
    "default-src": "'self'",
    "img-src": "'self' data: blob:",
    "connect-src": "'self' data:",
    "style-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return dict(parts)


class Blocked(HTMLParser):
    """What a policy without 'unsafe-inline' refuses in a page: each as (tag, what)."""

    def __init__(self, nonce: str | None):
        super().__init__()
        self.nonce = nonce
        self.found: list[tuple[str, str]] = []
        self._script: tuple[str, dict] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.found.append((tag, f'style="{attributes["style"]}"'))
        self.found += [(tag, name) for name in attributes if name.startswith("on")]
        if tag == "style":
            self.found.append((tag, "<style> element"))
        if tag == "script" and "src" not in attributes and attributes.get("type") != "application/json":
            self._script = (tag, attributes)

    def handle_data(self, data):
        if self._script and data.strip():
            tag, attributes = self._script
            if not self.nonce or attributes.get("nonce") != self.nonce:
                self.found.append((tag, f"inline script without this response's nonce: {data.strip()[:60]}"))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def check(response) -> None:
    assert response["Content-Type"].startswith("text/html")
    header = response["Content-Security-Policy"]
    got = directives(header)
    for name, value in POLICY.items():
        assert got[name] == value, (name, header)
    assert got["script-src"].split()[0] == "'self'"
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    nonces = [source[len("'nonce-") : -1] for source in got["script-src"].split() if source.startswith("'nonce-")]
    blocked = Blocked(nonces[0] if nonces else None)
    blocked.feed(response.content.decode())
    assert blocked.found == [], response.request["PATH_INFO"]


@pytest.fixture
def stored(owner):
    return services.prediction_create(user=owner, image=digits_png("2024"), multi=True, source="upload")


VISITOR_PAGES = [
    "recognizer:draw",
    "login",
    "signup",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "api:docs",
]


@pytest.mark.parametrize("name", VISITOR_PAGES)
def test_a_visitors_pages_carry_the_policy_and_keep_to_it(client, db, name):
    check(client.get(reverse(name)))


def test_a_page_that_is_not_there_carries_it_too(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "name", ["recognizer:draw", "recognizer:history", "token", "password_change", "password_change_done", "api:docs"]
)
def test_a_members_pages_carry_the_policy_and_keep_to_it(owner_client, stored, name):
    check(owner_client.get(reverse(name)))


@pytest.mark.parametrize("name", ["recognizer:detail", "recognizer:delete"])
def test_a_readings_pages_carry_the_policy_and_keep_to_it(owner_client, stored, name):
    check(owner_client.get(reverse(name, kwargs={"pk": stored.pk})))


@pytest.mark.parametrize(
    "path",
    [
        "/admin/",
        "/admin/recognizer/prediction/",
        "/admin/recognizer/prediction/{pk}/change/",
        "/admin/auth/user/",
        "/admin/auth/user/{owner}/change/",
        "/admin/password_change/",
    ],
)
def test_the_admins_pages_carry_the_policy_and_keep_to_it(client, staff, owner, stored, path):
    client.force_login(staff)

    check(client.get(path.format(pk=stored.pk, owner=owner.pk)))


def test_the_api_docs_run_their_one_inline_script_by_a_nonce_of_each_response(client, db):
    first, second = client.get(reverse("api:docs")), client.get(reverse("api:docs"))

    nonces = [directives(r["Content-Security-Policy"])["script-src"].split()[1] for r in (first, second)]
    assert all(n.startswith("'nonce-") for n in nonces) and nonces[0] != nonces[1]
    assert f'<script nonce="{nonces[0][7:-1]}">' in first.content.decode()
