"""Anonymous visitors: the drawing page and reading without storing are open; every other
page sends them to log in, and the API answers 401.

The paths are read from the URL configuration itself, so a page or endpoint
added later is covered without anyone remembering to list it here.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Open on purpose: getting a token and the API's description. (The load balancer's
# probe, /healthz, is public too; it lives outside the "api:" namespace.)
PUBLIC_API = {"api:token", "api:schema", "api:docs", "api:reading"}
# Open on purpose: the drawing page, where a visitor tries the reader before signing up.
PUBLIC_PAGES = {"recognizer:draw"}


def _names(namespace: str) -> list[tuple[str, dict]]:
    resolver = get_resolver()
    found = []

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{p.namespace}:" if p.namespace else prefix)
            elif isinstance(p, URLPattern) and p.name and prefix == f"{namespace}:":
                kwargs = dict.fromkeys(p.pattern.converters, 1)
                found.append((prefix + p.name, kwargs))

    walk(resolver.url_patterns, "")
    return sorted(found, key=lambda item: item[0])


PAGES = [(name, kwargs) for name, kwargs in _names("recognizer") if name not in PUBLIC_PAGES]
API = [(name, kwargs) for name, kwargs in _names("api") if name not in PUBLIC_API]


def test_the_url_configuration_was_read():
    assert ("recognizer:history", {}) in PAGES and ("api:prediction-list", {}) in API


@pytest.mark.parametrize(("name", "kwargs"), PAGES, ids=[name for name, _ in PAGES])
@pytest.mark.parametrize("method", ["get", "post"])
def test_pages_send_anonymous_visitors_to_log_in(client, name, kwargs, method):
    url = reverse(name, kwargs=kwargs)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(("name", "kwargs"), API, ids=[name for name, _ in API])
@pytest.mark.parametrize("method", ["get", "post", "patch", "delete"])
def test_api_answers_401_without_credentials(client, name, kwargs, method):
    # Methods a path does not offer too: DRF asks for credentials before it looks at the method.
    response = getattr(client, method)(reverse(name, kwargs=kwargs))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "credentials" in response.json()["detail"]


def test_a_wrong_token_is_401(client):
    for name, kwargs in API:
        response = client.get(reverse(name, kwargs=kwargs), HTTP_AUTHORIZATION="Token not-a-real-key")
        assert response.status_code == 401, name


def test_home_is_the_drawing_page_for_visitors_with_a_way_to_sign_up(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200 and '<canvas id="canvas"' in html
    assert reverse("signup") in html and reverse("login") in html
    assert f'href="{reverse("recognizer:history")}"' not in html  # History is for people signed in


def test_the_open_pages_take_no_post(client):
    assert client.post(reverse("recognizer:draw")).status_code == 405
