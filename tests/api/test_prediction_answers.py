"""PATCH of a prediction's answer: a correct label, or not a digit, one replacing the other; nothing else can change."""

from __future__ import annotations

import pytest

from tests.api.conftest import detail_url


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
