"""Faults a deployer meets: static files never collected, a database that does not answer.

Both are tried on the real thing: the web process as gunicorn starts it
(config.wsgi, DEBUG off) in a process of its own, asked over HTTP, with a
database address where nothing listens (PostgreSQL at 127.0.0.1:1), so every
connection is refused as when the database server is down.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import OperationalError
from django.test import RequestFactory

from config import faults
from tests import servers

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
DATABASE_DOWN = "postgres://digits@127.0.0.1:1/digits"  # port 1: refused at once


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of `make serve`: the site's own settings, DEBUG off, a database of the test's own."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(tmp_path / "no-static"),
    }
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """STATIC_ROOT after `collectstatic`, as `make serve` runs it (DEBUG off, no manifest before)."""
    tmp = tmp_path_factory.mktemp("collected")
    static_root = tmp / "static"
    done = run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        production_env(tmp, DJANGO_STATIC_ROOT=str(static_root)),
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert (static_root / "staticfiles.json").exists()
    return static_root


# --- 6: no static manifest ---------------------------------------------------------------------


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_without_collected_static_files_the_web_process_refuses_to_start_saying_why(tmp_path, module):
    started = run([PYTHON, "-c", f"import {module}"], production_env(tmp_path))

    assert started.returncode != 0
    assert "no static manifest" in started.stderr
    assert "run `python manage.py collectstatic`" in started.stderr


def test_gunicorn_without_collected_static_files_stops_with_the_reason(tmp_path):
    started = run(
        [GUNICORN, "config.wsgi", "--config", "config/gunicorn.py", "--bind", "127.0.0.1:0", "--workers", "1"],
        production_env(tmp_path),
    )

    assert started.returncode != 0
    assert "run `python manage.py collectstatic`" in started.stdout + started.stderr


def test_migrate_runs_before_collectstatic_and_the_web_process_starts_after(tmp_path, collected):
    # `make serve`: migrate with no manifest anywhere, then collectstatic (the fixture), then the server.
    migrated = run([PYTHON, "manage.py", "migrate", "--noinput"], production_env(tmp_path))
    assert migrated.returncode == 0, migrated.stderr[-3000:]

    started = run([PYTHON, "-c", "import config.wsgi"], production_env(tmp_path, DJANGO_STATIC_ROOT=str(collected)))
    assert started.returncode == 0, started.stderr[-3000:]


def test_debug_needs_no_manifest(tmp_path):
    # Development serves static files from their folders.
    started = run([PYTHON, "-c", "import config.wsgi"], production_env(tmp_path, DJANGO_DEBUG="1"))

    assert started.returncode == 0, started.stderr[-3000:]


# --- 7: the database is down -------------------------------------------------------------------


@pytest.fixture(scope="module")
def database_down(tmp_path_factory, collected):
    """gunicorn as `make serve` runs it, whose database refuses every connection."""
    tmp = tmp_path_factory.mktemp("database-down")
    log = tmp / "gunicorn.log"
    env = production_env(tmp, DATABASE_URL=DATABASE_DOWN, DJANGO_STATIC_ROOT=str(collected))
    # /healthz needs no database: it answers once the model is loaded, as a live process does.
    with servers.gunicorn(env, log) as url:
        yield url, log


SESSION = {"sessionid": "a" * 32}  # a session cookie makes every request look its owner up
TOKEN = {"Authorization": "Token " + "0" * 40}

API_CALLS = [
    ("GET", "/api/v1/predictions/", TOKEN, None),
    ("POST", "/api/v1/predictions/", TOKEN, {"image": "iVBORw0KGgo="}),
    ("GET", "/api/v1/predictions/1/", TOKEN, None),
    ("PATCH", "/api/v1/predictions/1/", TOKEN, {"correct_label": "7"}),
    ("DELETE", "/api/v1/predictions/1/", TOKEN, None),
    ("GET", "/api/v1/model/", TOKEN, None),
    ("POST", "/api/v1/readings/", TOKEN, {"image": "iVBORw0KGgo="}),
    ("POST", "/api/v1/auth/token/", {}, {"username": "olivia", "password": "a-Long-enough-passw0rd"}),
    ("GET", "/api/v1/predictions/", {}, None),  # with the session cookie below
    ("GET", "/api/v1/model/", {}, None),
]


@pytest.mark.parametrize(("method", "path", "headers", "body"), API_CALLS)
def test_with_the_database_down_the_api_answers_503_json_with_retry_after(database_down, method, path, headers, body):
    url, _ = database_down
    cookies = {} if headers else SESSION

    response = requests.request(method, url + path, headers=headers, json=body, cookies=cookies, timeout=30)

    assert response.status_code == 503, response.text[:500]
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Retry-After"] == str(faults.RETRY_SECONDS)
    assert response.json() == {"detail": f"The database is not answering: try again in {faults.RETRY_SECONDS} seconds."}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/history/",
        "/history/1/",
        "/accounts/token/",
        "/accounts/password/",
        "/admin/",
        "/admin/recognizer/prediction/",
    ],
)
def test_with_the_database_down_a_signed_in_page_is_a_short_503_page(database_down, path):
    url, _ = database_down

    response = requests.get(url + path, cookies=SESSION, timeout=30, allow_redirects=False)

    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.headers["Retry-After"] == str(faults.RETRY_SECONDS)
    assert "cannot reach its database" in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text
    assert "127.0.0.1:1" not in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]  # as every page


def test_with_the_database_down_logging_in_is_a_503_page(database_down):
    url, log = database_down
    browser = requests.Session()
    form = browser.get(f"{url}/accounts/login/", timeout=30)
    assert form.status_code == 200  # a visitor's page needs no database
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
    assert found, form.text
    csrf = found.group(1)

    response = browser.post(
        f"{url}/accounts/login/",
        data={"csrfmiddlewaretoken": csrf, "username": "olivia", "password": "a-Long-enough-passw0rd"},
        headers={"Referer": f"{url}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )

    assert response.status_code == 503
    assert "cannot reach its database" in response.text
    assert "Service Unavailable: /accounts/login/" in log.read_text()  # the whole story is in the log


def test_with_the_database_down_visitors_still_draw_and_read(database_down):
    url, _ = database_down

    assert requests.get(f"{url}/", timeout=30).status_code == 200
    reading = requests.post(f"{url}/api/v1/readings/", json={"image": "iVBORw0KGgo="}, timeout=30)
    assert reading.status_code == 400  # read (and found to be no picture): rate limits fail open without a database
    assert reading.json()["detail"] != faults.UNAVAILABLE_SENTENCE
    assert reading.headers["Content-Type"] == "application/json"


def handler500_answer(error: Exception):
    """What Django's handler500 answers a request under the API while ``error`` is being handled."""
    request = RequestFactory().get("/api/v1/predictions/")
    try:
        raise error
    except type(error):
        return faults.server_error(request)


def test_a_database_error_outside_the_apis_views_is_a_503_json_too():
    # Raised in middleware (a session saved on the way out, say), it reaches Django's handler500.
    response = handler500_answer(
        OperationalError('connection to server at "127.0.0.1", port 1 failed: Connection refused')
    )
    assert response.status_code == 503
    assert response["Retry-After"] == str(faults.RETRY_SECONDS)
    assert b"try again" in response.content and b"127.0.0.1" not in response.content


def test_other_errors_stay_500s_json_under_the_api():
    response = handler500_answer(ValueError("a bug"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b"a bug" not in response.content
