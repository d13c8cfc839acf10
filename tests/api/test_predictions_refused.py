"""Refused pictures store nothing: bodies that are not a picture, blank canvases, pictures over
the limits, saving past the quota; and a picture's trailing bytes are never stored."""

from __future__ import annotations

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from recognizer.models import Prediction
from tests.api.conftest import PREDICTIONS, READINGS, data_url, detail_url, post_file, stored_files, upload


def assert_nothing_stored(settings) -> None:
    assert Prediction.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"image": "data:image/png;base64,!!!not base64!!!"}, "not valid base64"),
        ({"image": "this is not base64!"}, "not valid base64"),
        ({"image": "data:image/png,rawtext"}, "base64-encoded"),
        ({"image": ""}, "empty"),
        ({"image": 12}, "must be text"),
        ({}, "Send a picture"),
        ({"image": base64.b64encode(b"plain text, not a picture").decode()}, "not an image"),
    ],
)
def test_json_that_is_not_a_picture_is_400(api, settings, payload, words):
    response = api.post(PREDICTIONS, payload, format="json")
    assert response.status_code == 400, response.content
    assert words in response.json()["detail"]
    assert "image" in response.json()
    assert_nothing_stored(settings)


def test_a_file_that_is_not_a_picture_is_400(api, settings):
    response = post_file(api, b"GIF89a but not really a picture at all")
    assert response.status_code == 400
    assert "not an image" in response.json()["detail"]
    assert_nothing_stored(settings)


@pytest.mark.parametrize("encoding", ["multipart", "json"])
def test_a_blank_picture_is_400_no_digit_found(api, png, settings, encoding):
    if encoding == "multipart":
        response = post_file(api, png["blank"])
    else:
        response = api.post(PREDICTIONS, {"image": data_url(png["blank"])}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("No digit found")
    assert_nothing_stored(settings)


def test_an_empty_file_and_a_text_field_are_400(api, settings):
    assert post_file(api, b"").status_code == 400
    response = api.post(PREDICTIONS, {"image": "iVBORw0KGgo="}, format="multipart")
    assert response.status_code == 400
    assert "must be a file" in response.json()["detail"]
    assert_nothing_stored(settings)


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("source", "fax", "Unknown source"),
        ("multi", "perhaps", "multi"),
    ],
)
def test_bad_options_are_400_naming_the_field(api, png, settings, field, value, words):
    response = post_file(api, png["7"], **{field: value})
    assert response.status_code == 400
    body = response.json()
    assert words in body["detail"] and field in body
    assert_nothing_stored(settings)


def test_a_file_over_the_limit_is_413_before_it_is_decoded(api, settings):
    settings.RECOGNIZER_MAX_UPLOAD_BYTES = 4096
    response = post_file(api, b"\0" * 4097)  # not a picture either: the size is checked first
    assert response.status_code == 413
    assert "limit is" in response.json()["detail"]
    assert_nothing_stored(settings)


def test_a_picture_just_under_the_limit_is_read(api, png, settings):
    settings.RECOGNIZER_MAX_UPLOAD_BYTES = len(png["7"])
    assert post_file(api, png["7"]).status_code == 201


def canvas_export(data: bytes) -> bytes:
    """The picture as a browser canvas exports it: an RGBA PNG, every pixel opaque."""
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).convert("RGBA").save(out, format="PNG")
    return out.getvalue()


def test_bytes_after_a_pngs_end_are_never_stored_only_its_pixels(api, png, settings):
    # Issue 11: a small PNG and 5 MB of random bytes after its IEND was stored byte for byte.
    picture = canvas_export(png["7"])
    trailing = np.random.default_rng(11).bytes(settings.RECOGNIZER_MAX_UPLOAD_BYTES - len(picture))
    response = post_file(api, picture + trailing)
    assert response.status_code == 201, response.content
    (file,) = stored_files(settings.MEDIA_ROOT)
    assert file.stat().st_size < 5_000
    assert Prediction.objects.get().image_bytes == file.stat().st_size
    stored = np.asarray(Image.open(file))
    assert stored.shape == (280, 280)
    assert np.array_equal(stored, np.asarray(Image.open(io.BytesIO(picture)).convert("L")))


def test_a_picture_over_the_pixel_cap_is_400_with_a_sentence_and_stores_nothing(api, settings):
    out = io.BytesIO()
    Image.new("L", (6324, 6324), 255).save(out, format="PNG")  # issue 11's 40 megapixels
    response = post_file(api, out.getvalue())
    assert response.status_code == 400
    assert response.json()["detail"].startswith("This picture is 6324x6324 pixels: please send one of at most ")
    assert_nothing_stored(settings)


def test_saving_past_the_storage_quota_is_413_and_stores_nothing(
    api, png, settings, django_capture_on_commit_callbacks
):
    first = post_file(api, png["7"])
    assert first.status_code == 201
    settings.RECOGNIZER_USER_QUOTA_BYTES = Prediction.objects.get().image_bytes + 100  # room for one
    refused = post_file(api, png["7"])
    assert refused.status_code == 413
    assert refused.json()["code"] == "storage_full"
    assert refused.json()["detail"].startswith("Your saved readings' pictures take ")
    assert "delete readings you no longer need in History" in refused.json()["detail"]
    assert Prediction.objects.count() == 1 and len(stored_files(settings.MEDIA_ROOT)) == 1
    # reading stores nothing
    assert api.post(READINGS, {"image": upload(png["7"])}, format="multipart").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(detail_url(first.json()["id"])).status_code == 204
    assert post_file(api, png["7"]).status_code == 201  # the deletion gave its bytes back


def test_base64_over_the_limit_is_413_before_it_is_decoded(api, settings):
    settings.RECOGNIZER_MAX_UPLOAD_BYTES = 4096
    text = base64.b64encode(b"\0" * 4097).decode()
    response = api.post(PREDICTIONS, {"image": "data:image/png;base64," + text}, format="json")
    assert response.status_code == 413
    assert "limit is" in response.json()["detail"]
    assert_nothing_stored(settings)


def test_a_json_body_over_the_request_limit_is_413(api, settings):
    # Through DRF's JSON parser: the body is refused by its length, not read.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"image": "A" * 20_000})
    response = api.generic("POST", PREDICTIONS, body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "limit" in response.json()["detail"]
    assert_nothing_stored(settings)


def test_a_multipart_body_over_the_request_limit_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post_file(api, b"\0" * 20_000)
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]
    assert_nothing_stored(settings)


def test_an_unsupported_body_type_is_415(api, png, settings):
    response = api.generic("POST", PREDICTIONS, png["7"], content_type="image/png")
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]
    assert_nothing_stored(settings)


def test_malformed_json_is_400(api, settings):
    response = api.generic("POST", PREDICTIONS, '{"image": ', content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]
    assert_nothing_stored(settings)
