"""Fixtures of the API tests: real canvas PNGs, clients with a token, a stored prediction, a fresh
cache, and the throttle rates a test sets."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from recognizer.models import Prediction
from tests.pictures import blank_png, digits_png

PREDICTIONS = "/api/v1/predictions/"
READINGS = "/api/v1/readings/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """PBKDF2's million rounds cost seconds per person made on a busy 2-core machine; these tests
    are about the API, not about hashing (tests/accounts/ keeps the real hasher)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Throttle counts live in the shared cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def png():
    """Drawings as the drawing page exports them (black on white), and a blank canvas."""
    return {
        "7": digits_png("7"),
        "4": digits_png("4"),
        "0": digits_png("0"),
        "407": digits_png("407"),  # three digits drawn apart
        "blank": blank_png(),
    }


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def upload(data: bytes, name: str = "canvas.png"):
    """A file for a multipart form."""
    file = io.BytesIO(data)
    file.name = name
    return file


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


def detail_url(pk: int) -> str:
    return f"{PREDICTIONS}{pk}/"


def post_file(client, data: bytes, **fields):
    return client.post(PREDICTIONS, {"image": upload(data), **fields}, format="multipart")


@pytest.fixture
def owner_token(owner) -> Token:
    return Token.objects.create(user=owner)


@pytest.fixture
def member_token(member) -> Token:
    return Token.objects.create(user=member)


@pytest.fixture
def api(owner_token) -> APIClient:
    """The owner's program: token authentication."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {owner_token.key}")
    return client


@pytest.fixture
def member_api(member_token) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {member_token.key}")
    return client


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def rates(settings):
    def set_rates(
        *,
        user: str = "1000/minute",
        anon: str = "1000/minute",
        reading: str = "1000/minute",
        reading_address: str = "1000/minute",
    ) -> None:
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "user": user,
                "anon": anon,
                "reading": reading,
                "reading_address": reading_address,
            },
        }

    return set_rates


@pytest.fixture
def stored(api, png):
    """A prediction of the owner's made through the API, with its picture on disk."""
    response = post_file(api, png["7"])
    assert response.status_code == 201
    return Prediction.objects.get(pk=response.json()["id"])


# The JSON shape of a reading, and of a stored one (a reading with its id, answer, picture and time).
READING_FIELDS = {
    "digit",
    "confidence",
    "probabilities",
    "digits",
    "lines",
    "ignored",
    "number",
    "multi",
    "source",
    "model_version",
    "duration_ms",
    "width",
    "height",
    "uncertain",
    "forced",
    "notice",
    "separate_digits",
}
PREDICTION_FIELDS = READING_FIELDS | {"id", "correct_label", "marked_not_a_digit", "image_url", "created_at"}
