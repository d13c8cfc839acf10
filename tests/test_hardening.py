"""What an attacker or a load balancer sends gets an accurate answer (issue 11's findings 10, 13, 14).

Chunked bodies go over real sockets: Django's test client cannot send them.
The server is pytest-django's live server (Django's own WSGI server, as
`make run` uses) and gunicorn started as `make serve` starts it.
"""

from __future__ import annotations

import http.client
import json
import secrets
from urllib.parse import urlsplit

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ml.model import get_model
from recognizer.models import Prediction
from tests import servers
from tests.pictures import digits_png

DEEP = "[" * 50_000 + "]" * 50_000


# --- 10: the health checks over plain HTTP --------------------------------------------------


def test_health_checks_are_not_redirected_to_https(client, db, settings):
    """The load balancer checks over plain HTTP; everything else goes to HTTPS."""
    get_model()
    settings.SECURE_SSL_REDIRECT = True
    for path in ("/healthz", "/readyz"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
    response = client.get("/api/v1/model/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/api/v1/model/"
    assert client.get("/healthz/").status_code == 301  # exactly those two paths


# --- 13: deep JSON and chunked bodies ------------------------------------------------------


@pytest.fixture
def token(django_user_model) -> Token:
    return Token.objects.create(user=django_user_model.objects.create_user("olivia", "", "a-Long-enough-passw0rd"))


@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/predictions/", "/api/v1/readings/"])
def test_json_nested_50000_deep_is_a_400_with_a_sentence(token, path):
    client = APIClient()
    if path != "/api/v1/auth/token/":  # the token endpoint is the anonymous one
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(path, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error - the body is nested too deeply")
    assert Prediction.objects.count() == 0


def multipart(png: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(8)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="seven.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + png
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def post_chunked(url: str, path: str, key: str) -> tuple[int, dict, dict]:
    """POST a real picture in chunks, as a client streaming it would (no Content-Length).

    The server may answer 411 from the headers alone and close before the chunks are all
    sent: that is its right, so a broken pipe while sending is not a failure; the answer is.
    """
    body, content_type = multipart(digits_png("7"))
    parts = urlsplit(url)
    assert parts.hostname, url
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.putrequest("POST", path)
        for name, value in (
            ("Authorization", f"Token {key}"),
            ("Content-Type", content_type),
            ("Transfer-Encoding", "chunked"),
        ):
            connection.putheader(name, value)
        connection.endheaders()
        try:
            for chunk in (body[:100], body[100:], b""):
                connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read())
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/api/v1/predictions/", "/api/v1/readings/"])
def test_a_chunked_picture_is_411_not_an_empty_body(live_server, token, path):
    status, headers, body = post_chunked(live_server.url, path, token.key)
    assert status == 411
    assert headers["Content-Type"] == "application/json"
    assert "Content-Length" in body["detail"] and "chunked" in body["detail"]
    assert Prediction.objects.count() == 0


# --- 14 (and 13 again): gunicorn as `make serve` runs it -----------------------------------


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn with config/gunicorn.py, one worker, DEBUG off, on a free port of 127.0.0.1."""
    with servers.gunicorn(servers.site_env(tmp_path), tmp_path / "gunicorn.log") as url:
        yield url


def test_gunicorn_names_no_server_and_refuses_chunked_bodies(gunicorn):
    parts = urlsplit(gunicorn)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 200
    assert response.getheader("Server") is None
    # gunicorn takes the chunks apart, but Django still sees no Content-Length: 411 here too.
    status, headers, body = post_chunked(gunicorn, "/api/v1/readings/", "no-token-needed-to-be-refused")
    assert status == 411 and "Server" not in headers
    assert "chunked" in body["detail"]
