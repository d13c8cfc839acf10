"""A reading's stored picture: shown privately to its owner, as a thumbnail too, never at a public address."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from tests.pages.readings import make

pytestmark = pytest.mark.django_db


def test_the_owner_gets_the_stored_png_privately(owner_client, owner):
    prediction = make(owner, "9")
    response = owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    cache_control = response["Cache-Control"]
    assert "private" in cache_control and "public" not in cache_control
    data = b"".join(response.streaming_content)
    with prediction.image.open("rb") as stored:
        assert data == stored.read()
    assert Image.open(io.BytesIO(data)).size == (prediction.width, prediction.height)


def test_the_thumbnail_is_small(owner_client, owner):
    prediction = make(owner, "2024")
    response = owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk}), {"size": "thumb"})
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert max(Image.open(io.BytesIO(response.content)).size) <= 240


def test_stored_pictures_have_no_public_address(owner_client, owner, settings):
    prediction = make(owner, "3")
    name = prediction.image.name
    assert name
    assert Path(settings.MEDIA_ROOT, name).exists()
    for url in (f"/{name}", f"/media/{name}", f"/{settings.MEDIA_URL.strip('/')}/{name}"):
        assert owner_client.get(url).status_code == 404


def test_the_image_view_only_answers_get(owner_client, owner):
    prediction = make(owner, "3")
    assert owner_client.post(reverse("recognizer:image", kwargs={"pk": prediction.pk})).status_code == 405


def test_a_picture_missing_from_disk_is_404_not_an_error(owner_client, owner):
    prediction = make(owner, "5")
    assert prediction.image.name
    prediction.image.storage.delete(prediction.image.name)
    assert owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk})).status_code == 404
