"""Pictures that are no digit, "read it anyway", marks left out of a number, and a number
read in one-digit mode: the real model, real files, a real database.

Refusals need a model with a "not a digit" output (an eleventh column): the committed one.
"""

from __future__ import annotations

import numpy as np
import pytest

from ml.errors import NotADigit
from ml.model import get_model
from recognizer.models import Prediction
from restapi.errors import exception_handler
from tests.api.conftest import PREDICTIONS, READINGS, data_url, stored_files, upload
from tests.pictures import NOT_DIGITS, digits_png, grouped_digits_png, not_a_digit_png

REFUSAL = {"code": "not_a_digit", "detail": str(NotADigit())}


@pytest.fixture(scope="module")
def refusing_model():
    """The served model; one without a "not a digit" output fails these tests, it does not skip them."""
    model = get_model()
    assert model.predict(np.zeros((1, 28, 28), np.float32)).shape[1] == 11, model.version
    return model


def post(client, path: str, data: bytes, **fields):
    return client.post(path, {"image": upload(data), **fields}, format="multipart")


# --- The 422 itself ----------------------------------------------------------------------


def test_not_a_digit_is_answered_422_with_its_code_and_sentence():
    response = exception_handler(NotADigit(), {})
    assert response is not None
    assert response.status_code == 422
    assert response.data == REFUSAL
    assert REFUSAL["detail"].startswith("That doesn't look like a digit")


# --- Refusals (need the model's "not a digit" output) ---------------------------------------


@pytest.mark.parametrize("name", sorted(NOT_DIGITS))
@pytest.mark.parametrize("path", [PREDICTIONS, READINGS])
def test_a_drawing_that_is_no_digit_is_422_and_stores_nothing(refusing_model, api, settings, name, path):
    response = post(api, path, not_a_digit_png(name))
    assert response.status_code == 422, (name, response.content)
    assert response.json() == REFUSAL
    assert Prediction.objects.count() == 0
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_refusal_in_json_is_422_too(refusing_model, api, settings):
    response = api.post(PREDICTIONS, {"image": data_url(not_a_digit_png("star")), "multi": True}, format="json")
    assert response.status_code == 422 and response.json() == REFUSAL
    assert Prediction.objects.count() == 0


@pytest.mark.parametrize("encoding", ["multipart", "json"])
def test_force_reads_it_anyway_and_stores_a_forced_reading(refusing_model, api, owner, settings, encoding):
    picture = not_a_digit_png("A")
    if encoding == "multipart":
        response = post(api, PREDICTIONS, picture, force="true")
    else:
        response = api.post(PREDICTIONS, {"image": data_url(picture), "force": True}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["forced"] is True and "read anyway" in body["notice"]
    (digit,) = body["digits"]
    assert digit["not_digit"] >= refusing_model.refuse_at
    assert body["confidence"] <= max(digit["probabilities"])
    row = Prediction.objects.get(pk=body["id"])
    assert row.user == owner and row.forced and row.notice == body["notice"]
    assert len(stored_files(settings.MEDIA_ROOT)) == 1
    # A forced reading is found by staff with the admin's filter (tests/test_admin.py), and by the flag:
    assert list(Prediction.objects.filter(forced=True)) == [row]


def test_force_on_a_live_reading_stores_nothing(refusing_model, api, settings):
    response = post(api, READINGS, not_a_digit_png("H"), force="true")
    assert response.status_code == 200, response.content
    assert response.json()["forced"] is True
    assert Prediction.objects.count() == 0 and stored_files(settings.MEDIA_ROOT) == []


def test_a_real_digit_is_not_refused_nor_forced(refusing_model, api):
    for force in ("false", "true"):
        body = post(api, PREDICTIONS, digits_png("7"), force=force).json()
        assert body["digit"] == 7 and body["forced"] is False and body["notice"] is None


def test_a_dash_between_groups_is_an_ignored_box(refusing_model, api):
    response = post(api, PREDICTIONS, grouped_digits_png("12", "34"), multi="true")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "1234"
    assert [d["digit"] for d in body["digits"]] == [1, 2, 3, 4]
    (mark,) = body["ignored"]
    assert set(mark) == {"box", "not_digit"} and mark["not_digit"] >= refusing_model.refuse_at
    two, three = body["digits"][1]["box"], body["digits"][2]["box"]
    assert two[0] + two[2] <= mark["box"][0] and mark["box"][0] + mark["box"][2] <= three[0]  # between the groups
    row = Prediction.objects.get(pk=body["id"])
    assert row.ignored == body["ignored"] and row.number == "1234" and not row.forced


# --- A number read in one-digit mode (works with any model) -------------------------------


@pytest.mark.parametrize("path", [PREDICTIONS, READINGS])
def test_a_number_read_as_one_digit_says_how_many_digits_it_saw(api, path):
    body = post(api, path, digits_png("372"), multi="false").json()
    assert body["multi"] is False and len(body["number"]) == 1
    assert body["separate_digits"] == 3
    assert body["notice"] == (
        "This picture seems to show 3 separate digits, read here as one: read it as a number to get them all."
    )
    if path == PREDICTIONS:
        row = Prediction.objects.get(pk=body["id"])
        assert (row.separate_digits, row.notice) == (3, body["notice"])


def test_the_same_number_read_as_a_number_has_no_notice(api):
    body = post(api, PREDICTIONS, digits_png("372"), multi="true").json()
    assert body["number"] == "372" and body["separate_digits"] == 1 and body["notice"] is None
    (line,) = body["lines"]
    assert line["number"] == "372" and line["digits"] == body["digits"]
    x, y, w, h = line["box"]
    for d in body["digits"]:  # the line's box holds its digits' boxes
        dx, dy, dw, dh = d["box"]
        assert x <= dx and y <= dy and dx + dw <= x + w and dy + dh <= y + h


def test_force_is_a_boolean_option(api, settings):
    response = post(api, PREDICTIONS, digits_png("7"), force="perhaps")
    assert response.status_code == 400 and "force" in response.json()
    assert Prediction.objects.count() == 0
