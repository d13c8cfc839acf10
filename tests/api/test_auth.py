"""Tokens and sessions: both authenticate; a session POST needs the CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.services import token_regenerate, token_revoke
from recognizer.models import Prediction
from tests.api.conftest import PREDICTIONS, upload

TOKEN = "/api/v1/auth/token/"


def test_a_token_for_a_username_and_password(anon, owner, password):
    response = anon.post(TOKEN, {"username": "olivia", "password": password}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=owner).key == key
    # the same key on the next call: it is made once, and replaced only on request
    assert anon.post(TOKEN, {"username": "olivia", "password": password}, format="json").json()["token"] == key

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(PREDICTIONS).status_code == 200


def test_token_answers_are_never_stored(anon, owner, password):
    """The answer is the key itself: no cache on the way may keep a copy, nor may the browser."""
    response = anon.post(TOKEN, {"username": "olivia", "password": password}, format="json")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_token_from_a_form_too(anon, owner, password):
    response = anon.post(TOKEN, {"username": "olivia", "password": password}, format="multipart")
    assert response.status_code == 200 and response.json()["token"]


@pytest.mark.parametrize(
    "payload",
    [
        {"username": "olivia", "password": "wrong"},
        {"username": "nobody", "password": "a-Long-enough-passw0rd"},
    ],
)
def test_bad_credentials_are_a_json_400_with_a_sentence(anon, owner, payload):
    response = anon.post(TOKEN, payload, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "Unable to log in with provided credentials."
    assert not Token.objects.exists()


def test_a_missing_password_is_400_naming_it(anon, owner):
    response = anon.post(TOKEN, {"username": "olivia"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()["detail"] and "password" in response.json()


def test_the_token_endpoint_only_takes_post(anon):
    response = anon.get(TOKEN)
    assert response.status_code == 405
    assert "GET" in response.json()["detail"]


def test_a_regenerated_token_replaces_the_old_one_at_once(api, owner, owner_token):
    assert api.get(PREDICTIONS).status_code == 200
    new = token_regenerate(user=owner)
    assert new.key != owner_token.key
    response = api.get(PREDICTIONS)  # still the old key
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid token."
    api.credentials(HTTP_AUTHORIZATION=f"Token {new.key}")
    assert api.get(PREDICTIONS).status_code == 200


def test_a_revoked_token_stops_working(api, owner):
    token_revoke(user=owner)
    assert api.get(PREDICTIONS).status_code == 401


def test_no_credentials_is_401_with_a_sentence_and_the_scheme(anon):
    response = anon.get(PREDICTIONS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "credentials" in response.json()["detail"] and "Authorization: Token" in response.json()["detail"]


def test_an_inactive_persons_token_is_refused(api, owner):
    owner.is_active = False
    owner.save()
    assert api.get(PREDICTIONS).status_code == 401


# --- The browser's session ------------------------------------------------------------


@pytest.fixture
def session_client(owner) -> Client:
    """The owner signed in by a session cookie, as the drawing page is, with CSRF checked (the test
    client otherwise skips it)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    return client


def csrf_cookie(client: Client) -> str:
    client.get("/accounts/token/")  # any page with a form sets the CSRF cookie
    return client.cookies["csrftoken"].value


def test_a_session_reads_without_csrf_for_safe_methods(session_client):
    assert session_client.get(PREDICTIONS).status_code == 200


def test_a_session_post_with_the_csrf_token_works(session_client, png):
    token = csrf_cookie(session_client)
    response = session_client.post(PREDICTIONS, {"image": upload(png["7"]), "source": "draw"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "draw"


def test_a_session_post_without_the_csrf_token_is_refused(session_client, png, settings):
    response = session_client.post(PREDICTIONS, {"image": upload(png["7"])})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    response = session_client.post("/api/v1/readings/", {"image": upload(png["7"])})
    assert response.status_code == 403
    assert Prediction.objects.count() == 0


def test_a_session_delete_without_the_csrf_token_is_refused(session_client, owner, png):
    token = csrf_cookie(session_client)
    pk = session_client.post(PREDICTIONS, {"image": upload(png["7"])}, HTTP_X_CSRFTOKEN=token).json()["id"]
    assert session_client.delete(f"{PREDICTIONS}{pk}/").status_code == 403
    answer = session_client.patch(f"{PREDICTIONS}{pk}/", {"correct_label": "1"}, content_type="application/json")
    assert answer.status_code == 403
    assert Prediction.objects.filter(pk=pk, correct_label=None).exists()
    assert session_client.delete(f"{PREDICTIONS}{pk}/", HTTP_X_CSRFTOKEN=token).status_code == 204


# --- image_url with the token -------------------------------------------------------------


def test_image_url_opens_with_the_token_that_fetched_it(api, member_api, anon, png):
    url = api.post(PREDICTIONS, {"image": upload(png["7"])}, format="multipart").json()["image_url"]
    response = api.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert api.get(url, {"size": "thumb"}).status_code == 200
    assert member_api.get(url).status_code == 404  # someone else's token: as if there were no picture
    wrong = APIClient()
    wrong.credentials(HTTP_AUTHORIZATION="Token not-a-real-key")
    response = wrong.get(url)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"] == "Invalid token."
    response = anon.get(url)  # a browser without a session still goes to the log-in page
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
