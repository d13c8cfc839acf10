"""A reading's stored picture: shown privately to its owner, as a thumbnail too, never at a public address."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from config.settings import cache_settings
from recognizer import services, thumbnails
from recognizer.models import Prediction
from tests.pages.readings import make
from tests.servers import free_port

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


def test_a_thumbnail_is_made_once_and_forgotten_with_its_picture(
    owner_client, owner, monkeypatch, django_capture_on_commit_callbacks
):
    prediction = make(owner, "7")
    name = prediction.image.name
    assert name
    url = reverse("recognizer:image", kwargs={"pk": prediction.pk})
    made: list[bytes] = []
    make_thumbnail = thumbnails._made

    def counted(png: bytes) -> bytes:
        made.append(png)
        return make_thumbnail(png)

    monkeypatch.setattr(thumbnails, "_made", counted)
    first, again = (owner_client.get(url, {"size": "thumb"}).content for _ in range(2))
    assert first == again and len(made) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the picture goes once its row's deletion commits
        services.predictions_delete(readings=Prediction.objects.filter(pk=prediction.pk))
    assert cache.get(thumbnails._key(name)) is None


def test_a_cache_that_does_not_answer_costs_only_the_making_again(owner_client, owner, caplog):
    prediction = make(owner, "7")
    closed = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    with override_settings(CACHES=cache_settings(closed, 0.25)):
        response = owner_client.get(reverse("recognizer:image", kwargs={"pk": prediction.pk}), {"size": "thumb"})
    assert response.status_code == 200 and max(Image.open(io.BytesIO(response.content)).size) <= 240
    assert "thumbnail made again, the cache is unavailable" in caplog.text


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
