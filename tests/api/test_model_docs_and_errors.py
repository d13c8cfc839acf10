"""The model card, /healthz, the schema and docs, and JSON for every error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

import ml.model
from ml.model import get_model, read_card

ROOT = Path(__file__).resolve().parents[2]


# --- The model ---------------------------------------------------------------------


def test_the_model_card(api):
    response = api.get("/api/v1/model/")
    assert response.status_code == 200
    card = read_card()
    body = response.json()
    assert body["version"] == card["version"]
    assert body["created"].startswith(card["created"][:19])
    assert body["test_accuracy"] == card["test_accuracy"] and 0.9 < body["test_accuracy"] <= 1
    # The ten digits, and "not a digit" once the model has that class.
    assert body["classes"] == card["classes"] and body["classes"][:10] == list(range(10))


def test_the_model_card_needs_credentials(anon):
    assert anon.get("/api/v1/model/").status_code == 401


# --- Health --------------------------------------------------------------------------


def test_healthz_is_ok_once_the_model_is_loaded(anon, django_assert_num_queries, settings):
    model = get_model()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "1/minute", "anon": "1/minute"},
    }
    for _ in range(3):  # public, never throttled, and no database at all
        with django_assert_num_queries(0):
            response = anon.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "model": model.version}
        assert "no-cache" in response["Cache-Control"]


# Without a model, and with spoilt model files: tests/api/test_health.py.


def test_healthz_makes_a_fresh_process_ready():
    """A new process answers 503 "loading" (or 200 at once), starts loading, and turns 200."""
    code = """
import time, django
django.setup()
from django.test import Client
client = Client(SERVER_NAME="localhost")
statuses = []
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    response = client.get("/healthz")
    statuses.append((response.status_code, response.json()))
    if response.status_code == 200:
        break
    time.sleep(0.05)
print(statuses[0]); print(statuses[-1])
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    first, last = result.stdout.strip().splitlines()
    assert first.startswith(("(503, {'status': 'unavailable', 'reason': 'the model is still loading'})", "(200,"))
    assert last == str((200, {"status": "ok", "model": read_card()["version"]}))


# --- Schema and docs ---------------------------------------------------------------------


def test_the_schema_is_public_openapi_3(anon):
    response = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/predictions/",
        "/api/v1/predictions/{id}/",
        "/api/v1/readings/",
        "/api/v1/model/",
        "/api/v1/auth/token/",
    } <= set(schema["paths"])


def test_the_docs_are_public_and_load_nothing_from_other_sites(anon):
    response = anon.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    # What the page loads (scripts, styles, the icon) is the site's own static files.
    urls = re.findall(r"""<(?:script|link)\b[^>]*?(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert urls, html
    assert not re.search(r"https?://|//cdn", html)
    static = [u for u in urls if u.startswith("/static/")]
    assert static and static == urls, urls
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url
    assert "/api/v1/schema/" in html


def test_the_docs_link_back_to_the_site_and_say_their_language(anon):
    html = anon.get("/api/v1/docs/").content.decode()
    assert '<html lang="en">' in html
    assert re.search(r'<a id="back-to-site" href="/">[^<]*Back to the site</a>', html)
    assert '<a class="skip-link" href="#swagger-ui">' in html and '<div id="swagger-ui"' in html


# --- Errors are JSON with a sentence ---------------------------------------------------


def test_an_unknown_api_address_is_a_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found: there is no API endpoint at /api/v1/nothing-here/."


def test_a_missing_slash_is_redirected_for_get_and_named_otherwise(api):
    response = api.get("/api/v1/predictions?page=2")
    assert response.status_code == 301 and response["Location"] == "/api/v1/predictions/?page=2"
    response = api.post("/api/v1/predictions", {}, format="json")
    assert response.status_code == 404
    assert "/api/v1/predictions/" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/api/v1/predictions/"),
        ("delete", "/api/v1/predictions/"),
        ("get", "/api/v1/readings/"),
        ("post", "/api/v1/model/"),
        ("post", "/healthz"),
        ("post", "/readyz"),
    ],
)
def test_a_method_not_offered_is_405(api, method, path):
    response = getattr(api, method)(path)
    assert response.status_code == 405
    assert response.json()["detail"] == f'Method "{method.upper()}" not allowed.'


def test_without_a_model_readings_are_503_with_retry_after_and_store_nothing(api, png, monkeypatch, settings):
    from recognizer.models import Prediction
    from tests.api.conftest import stored_files, upload

    monkeypatch.setattr(ml.model, "_model", None)  # this process has no model ...
    monkeypatch.setattr(ml.model, "CARD_NAME", "missing_card.json")  # ... and cannot load one
    for path in ("/api/v1/predictions/", "/api/v1/readings/"):
        response = api.post(path, {"image": upload(png["7"])}, format="multipart")
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert "not ready" in response.json()["detail"]
    response = api.get("/api/v1/model/")
    assert response.status_code == 503 and response.json()["detail"]
    assert Prediction.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []
