"""POST /api/v1/readings/: the same reading as a prediction, and nothing stored."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from recognizer.models import Prediction
from tests.api.conftest import PREDICTIONS, READING_FIELDS, READINGS, data_url, stored_files, upload


@pytest.mark.parametrize("encoding", ["multipart", "data url", "base64"])
def test_a_reading_is_returned_and_nothing_is_stored(api, png, settings, encoding):
    if encoding == "multipart":
        response = api.post(READINGS, {"image": upload(png["4"]), "source": "draw"}, format="multipart")
    elif encoding == "data url":
        response = api.post(READINGS, {"image": data_url(png["4"]), "source": "draw"}, format="json")
    else:
        response = api.post(READINGS, {"image": base64.b64encode(png["4"]).decode(), "source": "draw"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == READING_FIELDS
    assert body["digit"] == 4 and body["number"] == "4" and body["source"] == "draw"
    assert len(body["probabilities"]) == 10 and body["digits"][0]["probabilities"] == body["probabilities"]
    assert Prediction.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_reading_of_several_digits(api, png):
    body = api.post(READINGS, {"image": upload(png["407"]), "multi": "true"}, format="multipart").json()
    assert body["number"] == "407" and body["digit"] is None and body["probabilities"] is None
    assert [d["box"][0] for d in body["digits"]] == sorted(d["box"][0] for d in body["digits"])


def test_a_reading_gives_the_same_answer_as_a_stored_prediction(api, png):
    reading = api.post(READINGS, {"image": upload(png["0"])}, format="multipart").json()
    stored = api.post("/api/v1/predictions/", {"image": upload(png["0"])}, format="multipart").json()
    for key in (
        "digit",
        "number",
        "probabilities",
        "digits",
        "lines",
        "ignored",
        "forced",
        "notice",
        "separate_digits",
        "width",
        "height",
        "model_version",
    ):
        assert reading[key] == stored[key], key


def test_readings_refuse_what_predictions_refuse(api, png, settings):
    blank = api.post(READINGS, {"image": upload(png["blank"])}, format="multipart")
    assert blank.status_code == 400 and blank.json()["detail"].startswith("No digit found")
    assert api.post(READINGS, {"image": "%%%"}, format="json").status_code == 400
    settings.RECOGNIZER_MAX_UPLOAD_BYTES = 1024
    assert api.post(READINGS, {"image": upload(b"\0" * 1025)}, format="multipart").status_code == 413


def test_visitors_read_without_an_account_and_nothing_is_stored(anon, png, settings):
    response = anon.post(READINGS, {"image": upload(png["4"]), "source": "draw"}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["digit"] == 4
    assert Prediction.objects.count() == 0 and stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.parametrize("client_name", ["api", "anon"])
def test_auto_reads_one_digit_as_a_digit_and_several_as_a_number(request, png, client_name):
    client = request.getfixturevalue(client_name)
    one = client.post(READINGS, {"image": upload(png["4"]), "multi": "auto"}, format="multipart").json()
    assert (one["multi"], one["digit"], one["number"], len(one["probabilities"])) == (False, 4, "4", 10)
    several = client.post(READINGS, {"image": data_url(png["407"]), "multi": "auto"}, format="json").json()
    assert (several["multi"], several["digit"], several["number"]) == (True, None, "407")
    assert several["separate_digits"] == 1 and several["notice"] is None  # nothing hidden: all three are read


def test_auto_stores_a_number_as_a_number(api, png):
    body = api.post(PREDICTIONS, {"image": upload(png["407"]), "multi": "auto"}, format="multipart").json()
    assert Prediction.objects.get(pk=body["id"]).multi is True and body["number"] == "407"


def test_multi_takes_true_false_or_auto_and_nothing_else(api, png):
    response = api.post(READINGS, {"image": upload(png["4"]), "multi": "sometimes"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["multi"] == ['Send multi as true, false or "auto".']


def test_seen_gives_each_digit_the_picture_the_model_was_given(anon, png):
    body = anon.post(
        READINGS, {"image": upload(png["407"]), "multi": "true", "seen": "true"}, format="multipart"
    ).json()
    assert len(body["digits"]) == 3
    for d in body["digits"]:
        assert d["seen"].startswith("data:image/png;base64,")
        picture = Image.open(io.BytesIO(base64.b64decode(d["seen"].split(",", 1)[1])))
        pixels = np.asarray(picture)
        assert picture.size == (28, 28) and picture.mode == "L"
        assert pixels[0].max() < 64 and pixels.max() > 200  # MNIST's form: white ink centred on black
    plain = anon.post(READINGS, {"image": upload(png["407"]), "multi": "true"}, format="multipart").json()
    assert all("seen" not in d for d in plain["digits"])


def test_seen_is_never_stored_nor_offered_where_readings_are_stored(api, png):
    body = api.post(PREDICTIONS, {"image": upload(png["4"]), "seen": "true"}, format="multipart").json()
    assert "seen" not in body["digits"][0] and "seen" not in Prediction.objects.get().digits[0]


def test_the_json_matches_the_fields_the_schema_describes(api, png):
    from recognizer.api.serializers import DigitSerializer, LineSerializer, ReadingSerializer

    body = api.post(READINGS, {"image": upload(png["407"]), "multi": "true"}, format="multipart").json()
    assert set(ReadingSerializer().fields) == set(body) == READING_FIELDS
    assert all(set(LineSerializer().fields) == set(line) for line in body["lines"])
    assert all(set(DigitSerializer().fields) - {"seen"} == set(d) for line in body["lines"] for d in line["digits"])
    asked = api.post(
        READINGS, {"image": upload(png["407"]), "multi": "true", "seen": "true"}, format="multipart"
    ).json()
    assert all(set(DigitSerializer().fields) == set(d) for d in asked["digits"])
