"""POST, GET, PATCH and DELETE of predictions: the real model, real files, a real database."""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools
import json

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from ml.model import read_card
from recognizer import services
from recognizer.models import Prediction
from tests.api.conftest import PREDICTION_FIELDS, PREDICTIONS, READINGS, data_url, stored_files, upload

DIGIT_FIELDS = {"digit", "confidence", "probabilities", "box", "uncertain", "not_digit"}


def detail_url(pk: int) -> str:
    return f"{PREDICTIONS}{pk}/"


def post_file(client, data: bytes, **fields):
    return client.post(PREDICTIONS, {"image": upload(data), **fields}, format="multipart")


# --- Creating ---------------------------------------------------------------------------


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


# --- Refused pictures store nothing -------------------------------------------------------


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


# --- Listing ----------------------------------------------------------------------------


def make(user, number: str, *, source: str = "api", created_at=None) -> Prediction:
    """A stored reading made directly in the database (the list tests need many, not the model)."""
    multi = len(number) > 1
    digits = [
        {
            "digit": int(c),
            "confidence": 0.9,
            "probabilities": [0.01] * 10,
            "box": [i * 10, 0, 8, 8],
            "uncertain": False,
            "not_digit": 0.0,
        }
        for i, c in enumerate(number)
    ]
    return Prediction.objects.create(
        user=user,
        source=source,
        multi=multi,
        image="",
        width=280,
        height=280,
        digit=None if multi else int(number),
        confidence=0.9,
        probabilities=None if multi else [0.01] * 10,
        digits=digits,
        lines=[{"number": number, "box": [0, 0, 10 * len(number) - 2, 8], "digits": digits}],
        number=number,
        model_version="test",
        duration_ms=1.0,
        created_at=created_at or timezone.now(),
    )


def test_the_list_is_the_callers_own_newest_first(api, owner, member):
    base = timezone.now() - dt.timedelta(hours=1)
    mine = [make(owner, str(i), created_at=base + dt.timedelta(minutes=i)) for i in range(3)]
    make(member, "5", created_at=base + dt.timedelta(minutes=10))
    response = api.get(PREDICTIONS)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3 and body["next"] is None and body["previous"] is None
    assert [p["id"] for p in body["results"]] == [p.pk for p in reversed(mine)]
    assert set(body["results"][0]) == PREDICTION_FIELDS


def test_the_list_pages_by_25_and_page_size_goes_up_to_100(api, owner):
    now = timezone.now()
    Prediction.objects.bulk_create(
        [
            Prediction(
                user=owner,
                source="api",
                image="",
                width=1,
                height=1,
                digit=1,
                confidence=0.9,
                probabilities=[0.1] * 10,
                digits=[],
                number="1",
                model_version="t",
                duration_ms=1,
                created_at=now - dt.timedelta(seconds=i),
            )
            for i in range(105)
        ]
    )
    first = api.get(PREDICTIONS).json()
    assert first["count"] == 105 and len(first["results"]) == 25
    assert first["next"].endswith("?page=2") and first["previous"] is None
    second = api.get(first["next"]).json()
    assert len(second["results"]) == 25 and second["previous"]
    assert not {p["id"] for p in first["results"]} & {p["id"] for p in second["results"]}
    assert len(api.get(PREDICTIONS, {"page_size": 10}).json()["results"]) == 10
    assert len(api.get(PREDICTIONS, {"page_size": 1000}).json()["results"]) == 100
    last = api.get(PREDICTIONS, {"page": 5}).json()
    assert len(last["results"]) == 5 and last["next"] is None


def test_a_page_past_the_end_is_a_json_404(api, owner):
    make(owner, "1")
    response = api.get(PREDICTIONS, {"page": 9})
    assert response.status_code == 404
    assert response.json()["detail"]


def test_filters(api, owner, member):
    now = timezone.now()
    old = make(owner, "4", source="draw", created_at=now - dt.timedelta(days=3))
    line = make(owner, "407", source="api", created_at=now - dt.timedelta(days=1))
    seven = make(owner, "7", source="upload", created_at=now)
    make(member, "4", source="draw")

    def ids(**query):
        response = api.get(PREDICTIONS, query)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids(digit=4) == [line.pk, old.pk]  # "407" contains a 4
    assert ids(digit=7) == [seven.pk, line.pk]
    assert ids(digit=9) == []
    assert ids(source="draw") == [old.pk]
    assert ids(created_after=(now - dt.timedelta(days=2)).isoformat()) == [seven.pk, line.pk]
    assert ids(created_before=(now - dt.timedelta(days=2)).isoformat()) == [old.pk]
    assert ids(digit=4, created_after=(now - dt.timedelta(days=2)).isoformat()) == [line.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"digit": "x"}, "digit"),
        ({"digit": 12}, "digit"),
        ({"source": "fax"}, "source"),
        ({"created_after": "yesterday"}, "created_after"),
    ],
)
def test_bad_filters_are_400_naming_them(api, query, field):
    response = api.get(PREDICTIONS, query)
    assert response.status_code == 400
    assert field in response.json()["detail"] and field in response.json()


# --- One prediction: GET, PATCH, DELETE --------------------------------------------------


@pytest.fixture
def stored(api, png):
    """A prediction of the owner's made through the API, with its picture on disk."""
    response = post_file(api, png["7"])
    assert response.status_code == 201
    return Prediction.objects.get(pk=response.json()["id"])


def test_get_one_of_ones_own(api, stored):
    response = api.get(detail_url(stored.pk))
    assert response.status_code == 200
    assert response.json()["id"] == stored.pk and response.json()["number"] == "7"


def test_another_persons_prediction_is_404_on_every_method(member_api, stored, settings):
    picture = stored_files(settings.MEDIA_ROOT)
    for method, data in [("get", None), ("patch", {"correct_label": "1"}), ("delete", None)]:
        response = getattr(member_api, method)(detail_url(stored.pk), data, format="json")
        assert response.status_code == 404, method
        assert set(response.json()) == {"detail"}
        assert "7" not in json.dumps(response.json()).replace(str(stored.pk), "")
    stored.refresh_from_db()
    assert stored.correct_label is None
    assert stored_files(settings.MEDIA_ROOT) == picture


def test_staff_get_404_too_the_api_shows_only_ones_own(stored, staff):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(staff)
    assert client.get(detail_url(stored.pk)).status_code == 404
    assert client.get(PREDICTIONS).json()["count"] == 0


def test_a_missing_prediction_is_404(api):
    response = api.get(detail_url(999999))
    assert response.status_code == 404
    assert "no prediction" in response.json()["detail"]


def test_patch_sets_and_clears_the_correct_label(api, stored):
    response = api.patch(detail_url(stored.pk), {"correct_label": " 1 "}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["correct_label"] == "1"
    stored.refresh_from_db()
    assert stored.correct_label == "1"
    assert stored.number == "7"  # the reading itself is untouched

    response = api.patch(detail_url(stored.pk), {"correct_label": None}, format="json")
    assert response.status_code == 200
    assert response.json()["correct_label"] is None
    stored.refresh_from_db()
    assert stored.correct_label is None


@pytest.mark.parametrize("value", ["12 345", "2024 17 365", "1234567890123", "1" * 64])
def test_patch_accepts_numbers_of_several_lines_up_to_64_characters(api, stored, value):
    response = api.patch(detail_url(stored.pk), {"correct_label": value}, format="json")
    assert response.status_code == 200, response.content
    stored.refresh_from_db()
    assert stored.correct_label == value


@pytest.mark.parametrize("value", ["", "seven", "7a", "12a", "12  345", "1" * 65, "12-34", "12\n345", "-1", [7]])
def test_patch_refuses_a_label_that_is_not_digits(api, stored, value):
    response = api.patch(detail_url(stored.pk), {"correct_label": value}, format="json")
    assert response.status_code == 400
    assert "correct_label" in response.json()["detail"] and "correct_label" in response.json()
    stored.refresh_from_db()
    assert stored.correct_label is None


@pytest.mark.parametrize("payload", [{"number": "1"}, {"correct_label": "1", "digit": 1}, {"user": 2}])
def test_patch_refuses_any_other_field_naming_it(api, stored, payload):
    response = api.patch(detail_url(stored.pk), payload, format="json")
    assert response.status_code == 400
    body = response.json()
    other = next(k for k in payload if k != "correct_label")
    assert other in body and other in body["detail"]
    stored.refresh_from_db()
    assert (stored.number, stored.digit, stored.correct_label) == ("7", 7, None)


def test_patch_without_the_label_is_400(api, stored):
    response = api.patch(detail_url(stored.pk), {}, format="json")
    assert response.status_code == 400
    assert "correct_label" in response.json()


def test_put_is_405(api, stored):
    response = api.put(detail_url(stored.pk), {"correct_label": "1"}, format="json")
    assert response.status_code == 405
    assert "PUT" in response.json()["detail"]


def test_delete_removes_the_row_and_the_picture(api, stored, settings, django_capture_on_commit_callbacks):
    assert len(stored_files(settings.MEDIA_ROOT)) == 1
    # The picture goes once the deletion commits; the test's transaction never does, so run its hooks.
    with django_capture_on_commit_callbacks(execute=True):
        response = api.delete(detail_url(stored.pk))
    assert response.status_code == 204
    assert not response.content
    assert not Prediction.objects.filter(pk=stored.pk).exists()
    assert stored_files(settings.MEDIA_ROOT) == []
    assert api.get(detail_url(stored.pk)).status_code == 404


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


# --- The answer: a correct label, or "not a digit" ------------------------------------------


def test_patch_marks_a_reading_not_a_digit_and_one_answer_replaces_the_other(api, stored):
    response = api.patch(detail_url(stored.pk), {"correct_label": "1"}, format="json")
    assert response.json()["marked_not_a_digit"] is False

    response = api.patch(detail_url(stored.pk), {"marked_not_a_digit": True}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["correct_label"], response.json()["marked_not_a_digit"]) == (None, True)
    stored.refresh_from_db()
    assert (stored.correct_label, stored.marked_not_a_digit) == (None, True)
    assert api.get(detail_url(stored.pk)).json()["marked_not_a_digit"] is True

    response = api.patch(detail_url(stored.pk), {"correct_label": "7"}, format="json")
    assert (response.json()["correct_label"], response.json()["marked_not_a_digit"]) == ("7", False)

    api.patch(detail_url(stored.pk), {"marked_not_a_digit": True}, format="json")
    response = api.patch(detail_url(stored.pk), {"marked_not_a_digit": False}, format="json")
    assert (response.json()["correct_label"], response.json()["marked_not_a_digit"]) == (None, False)


def test_patch_refuses_both_answers_at_once(api, stored):
    response = api.patch(detail_url(stored.pk), {"correct_label": "1", "marked_not_a_digit": True}, format="json")
    assert response.status_code == 400
    assert "either corrected or not a digit" in response.json()["detail"] and "marked_not_a_digit" in response.json()
    response = api.patch(detail_url(stored.pk), {"marked_not_a_digit": "perhaps"}, format="json")
    assert response.status_code == 400 and "marked_not_a_digit" in response.json()
    stored.refresh_from_db()
    assert (stored.correct_label, stored.marked_not_a_digit) == (None, False)


def test_another_persons_reading_cannot_be_marked(member_api, stored):
    response = member_api.patch(detail_url(stored.pk), {"marked_not_a_digit": True}, format="json")
    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.marked_not_a_digit is False


def test_the_list_filters_by_status_as_history_does(api, owner, member):
    now = timezone.now()
    plain = make(owner, "1", created_at=now - dt.timedelta(minutes=5))
    unsure = make(owner, "2", created_at=now - dt.timedelta(minutes=4))
    Prediction.objects.filter(pk=unsure.pk).update(uncertain=True)
    confirmed = services.prediction_confirm(prediction=make(owner, "3", created_at=now - dt.timedelta(minutes=3)))
    corrected = services.prediction_correct(
        prediction=make(owner, "4", created_at=now - dt.timedelta(minutes=2)), correct_label="9"
    )
    star = services.prediction_mark_not_digit(prediction=make(owner, "5", created_at=now - dt.timedelta(minutes=1)))
    services.prediction_mark_not_digit(prediction=make(member, "5"))

    def ids(**query):
        response = api.get(PREDICTIONS, query)
        assert response.status_code == 200, response.content
        return [p["id"] for p in response.json()["results"]]

    assert ids(status="not_a_digit") == [star.pk]
    assert ids(status="confirmed") == [confirmed.pk]
    assert ids(status="corrected") == [corrected.pk]
    assert ids(status="not_sure") == [unsure.pk]
    assert ids(status="unanswered") == [unsure.pk, plain.pk]
    assert ids(status="not_a_digit", digit=5) == [star.pk] and ids(status="not_a_digit", digit=4) == []
    response = api.get(PREDICTIONS, {"status": "maybe"})
    assert response.status_code == 400 and "status" in response.json()
