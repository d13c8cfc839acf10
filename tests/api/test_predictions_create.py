"""POST of predictions: a picture sent as a file or as base64, read by the real model and stored with its picture."""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ml.model import read_card
from recognizer.models import Prediction
from tests.api.conftest import PREDICTION_FIELDS, PREDICTIONS, data_url, detail_url, post_file, stored_files

DIGIT_FIELDS = {"digit", "confidence", "probabilities", "box", "uncertain", "not_digit"}


def assert_single_reading(body: dict, digit: int) -> None:
    assert set(body) == PREDICTION_FIELDS
    assert body["digit"] == digit
    assert body["number"] == str(digit)
    assert body["multi"] is False
    assert len(body["probabilities"]) == 10
    assert sum(body["probabilities"]) == pytest.approx(1.0, abs=1e-6)
    assert body["probabilities"].index(max(body["probabilities"])) == digit
    assert len(body["digits"]) == 1
    (one,) = body["digits"]
    assert set(one) == DIGIT_FIELDS
    assert one["digit"] == digit and one["probabilities"] == body["probabilities"]
    # The probability that it is this digit: that it is a digit at all, times which one.
    assert 0 <= one["not_digit"] < 0.5
    assert body["confidence"] == pytest.approx(max(body["probabilities"]) * (1 - one["not_digit"]))
    assert body["confidence"] <= max(body["probabilities"])
    assert body["lines"] == [{"number": str(digit), "box": one["box"], "digits": [one]}]
    assert body["ignored"] == [] and body["forced"] is False
    assert body["separate_digits"] == 1 and body["notice"] is None
    x, y, w, h = one["box"]
    assert 0 <= x < x + w <= body["width"] and 0 <= y < y + h <= body["height"]
    assert body["model_version"] == read_card()["version"]
    assert body["duration_ms"] > 0
    assert body["correct_label"] is None


def test_multipart_upload_is_read_and_stored(api, owner, png, settings):
    response = post_file(api, png["7"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert_single_reading(body, 7)
    assert body["source"] == "api"  # the default
    assert (body["width"], body["height"]) == Image.open(io.BytesIO(png["7"])).size
    assert body["image_url"] == f"http://testserver{reverse('recognizer:image', kwargs={'pk': body['id']})}"
    assert response["Location"] == detail_url(body["id"])

    row = Prediction.objects.get(pk=body["id"])
    assert row.user == owner and row.number == "7" and row.source == "api"
    files = stored_files(settings.MEDIA_ROOT)
    assert row.image.name
    assert len(files) == 1 and files[0].name == row.image.name.rsplit("/", 1)[-1]
    assert files[0].read_bytes().startswith(b"\x89PNG")


def test_json_data_url_is_read(api, png):
    response = api.post(PREDICTIONS, {"image": data_url(png["4"]), "source": "draw"}, format="json")
    assert response.status_code == 201, response.content
    assert_single_reading(response.json(), 4)
    assert response.json()["source"] == "draw"


def test_json_plain_base64_is_read(api, png):
    plain = base64.b64encode(png["0"]).decode()
    response = api.post(PREDICTIONS, {"image": plain, "multi": False}, format="json")
    assert response.status_code == 201, response.content
    assert_single_reading(response.json(), 0)


def test_base64_wrapped_over_lines_and_url_safe_is_read(api, png):
    encoded = base64.urlsafe_b64encode(png["7"]).decode().rstrip("=")
    wrapped = "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))
    response = api.post(PREDICTIONS, {"image": wrapped}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["digit"] == 7


def test_the_image_url_shows_the_stored_picture_to_its_owner(api, owner, client, png):
    url = post_file(api, png["7"]).json()["image_url"]
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]).startswith(b"\x89PNG")


@pytest.mark.parametrize("encoding", ["multipart", "json"])
def test_multi_reads_three_digits_left_to_right(api, png, encoding):
    if encoding == "multipart":
        response = post_file(api, png["407"], multi="true")
    else:
        response = api.post(PREDICTIONS, {"image": data_url(png["407"]), "multi": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["multi"] is True
    assert body["number"] == "407"
    assert body["digit"] is None and body["probabilities"] is None
    assert [d["digit"] for d in body["digits"]] == [4, 0, 7]
    xs = [d["box"][0] for d in body["digits"]]
    assert xs == sorted(xs) and len(set(xs)) == 3
    for d in body["digits"]:
        assert set(d) == DIGIT_FIELDS and len(d["probabilities"]) == 10
        assert d["probabilities"].index(max(d["probabilities"])) == d["digit"]
    # the right end of each box lies left of the next box: three separate digits
    boxes = [d["box"] for d in body["digits"]]
    assert all(a[0] + a[2] <= b[0] for a, b in itertools.pairwise(boxes))
    assert body["confidence"] == pytest.approx(min(d["confidence"] for d in body["digits"]))
    assert Prediction.objects.get(pk=body["id"]).number == "407"


def test_multi_off_reads_the_whole_picture_as_one_digit(api, png):
    body = post_file(api, png["407"], multi="false").json()
    assert body["multi"] is False
    assert len(body["digits"]) == 1 and len(body["number"]) == 1
    assert body["digit"] == int(body["number"])
    assert body["digits"][0]["box"][2] > Image.open(io.BytesIO(png["407"])).width / 2  # one box around all the ink


def test_the_json_matches_the_fields_the_schema_describes(api, png):
    from recognizer.api.serializers import DigitSerializer, LineSerializer, PredictionSerializer

    body = post_file(api, png["407"], multi="true").json()
    assert set(PredictionSerializer().fields) == set(body) == PREDICTION_FIELDS
    # "seen" only comes from a reading without storing that asks for it (tests/api/test_readings.py).
    assert all(set(DigitSerializer().fields) - {"seen"} == set(d) for d in body["digits"])
    assert all(set(LineSerializer().fields) == set(line) for line in body["lines"])
    assert [d for line in body["lines"] for d in line["digits"]] == body["digits"]
    created = dt.datetime.fromisoformat(body["created_at"].replace("Z", "+00:00"))
    assert abs(timezone.now() - created) < dt.timedelta(minutes=1)
    listed = api.get(PREDICTIONS).json()["results"][0]
    assert listed == body
