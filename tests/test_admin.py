"""Staff review readings in the admin; nobody else gets in."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from recognizer import services
from recognizer.models import Prediction, StorageUse
from tests.pictures import digits_png

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:recognizer_prediction_changelist"


@pytest.fixture
def readings(owner, member):
    return [
        services.prediction_create(user=owner, image=digits_png("7"), multi=False, source="draw"),
        services.prediction_create(user=member, image=digits_png("31"), multi=True, source="upload"),
    ]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_staff_see_every_reading_with_its_thumbnail(staff_client, readings):
    response = staff_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    html = response.content.decode()
    for prediction in readings:
        assert f"{reverse('recognizer:image', kwargs={'pk': prediction.pk})}?size=thumb" in html
    assert "Mark reviewed (confirm the reading)" in html
    assert ">31<" in html


def test_the_changelist_filters(staff_client, readings):
    url = reverse(CHANGELIST)
    assert staff_client.get(url, {"reviewed__exact": "0"}).status_code == 200
    assert staff_client.get(url, {"answer": "unanswered"}).context["cl"].result_count == 2
    for confidence, uncertain in (("high", False), ("low", True)):
        found = staff_client.get(url, {"confidence": confidence}).context["cl"].result_list
        assert {p.pk for p in found} == {p.pk for p in readings if p.uncertain is uncertain}
    assert staff_client.get(url, {"source__exact": "upload"}).context["cl"].result_count == 1
    assert staff_client.get(url, {"q": "31"}).context["cl"].result_count == 1


@pytest.mark.parametrize("who", ["member", "owner"])
def test_people_who_are_not_staff_cannot_get_in(client, readings, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    change = reverse("admin:recognizer_prediction_change", args=[readings[0].pk])
    assert client.get(change).status_code == 302


def test_anonymous_visitors_cannot_get_in(client, readings):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_the_change_page_shows_the_picture_and_boxes_read_only(staff_client, readings):
    prediction = readings[1]
    response = staff_client.get(reverse("admin:recognizer_prediction_change", args=[prediction.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'src="{reverse("recognizer:image", kwargs={"pk": prediction.pk})}"' in html
    assert f'viewBox="0 0 {prediction.width} {prediction.height}"' in html
    assert html.count("<rect ") == 2
    assert 'name="correct_label"' in html
    assert 'name="number"' not in html  # the reading itself cannot be edited


def test_readings_cannot_be_added_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:recognizer_prediction_add")).status_code == 403


def test_mark_reviewed_confirms_the_readings(staff_client, staff, readings):
    corrected = readings[1]
    services.prediction_correct(prediction=corrected, correct_label="37")
    response = staff_client.post(
        reverse(CHANGELIST), {"action": "mark_reviewed", "_selected_action": [p.pk for p in readings]}, follow=True
    )
    assert response.status_code == 200
    assert "Marked 2 readings reviewed." in response.content.decode()
    for prediction in readings:
        prediction.refresh_from_db()
        assert prediction.reviewed and prediction.reviewed_by == staff and prediction.reviewed_at
    assert readings[0].correct_label == "7"  # confirmed as read
    assert readings[1].correct_label == "37"  # the owner's correction is kept


def test_saving_a_correction_in_the_admin_is_a_review(staff_client, staff, readings):
    prediction = readings[0]
    url = reverse("admin:recognizer_prediction_change", args=[prediction.pk])
    response = staff_client.post(url, {"correct_label": "1"})
    assert response.status_code == 302
    prediction.refresh_from_db()
    assert prediction.correct_label == "1" and prediction.reviewed and prediction.reviewed_by == staff

    response = staff_client.post(url, {"correct_label": "one"})
    assert response.status_code == 200  # the form again, with the error
    prediction.refresh_from_db()
    assert prediction.correct_label == "1"
    assert Prediction.objects.count() == 2


# Refusals: forced readings and ignored marks ----------------------------------------------


@pytest.fixture
def forced(owner):
    """A reading read past a refusal, stored as the service stores one with force=true (today's model
    cannot refuse yet, so the row is written directly; tests/api/test_refusals.py makes real ones)."""
    reading = services.prediction_create(user=owner, image=digits_png("12"), multi=True, source="api")
    Prediction.objects.filter(pk=reading.pk).update(
        forced=True,
        notice="This does not look like a digit; it was read anyway, as you asked.",
        ignored=[{"box": [5, 6, 30, 10], "not_digit": 0.93}],
    )
    reading.refresh_from_db()
    return reading


def test_staff_find_the_readings_forced_past_a_refusal(staff_client, readings, forced):
    url = reverse(CHANGELIST)
    html = staff_client.get(url).content.decode()
    assert "Forced past a refusal" in html
    found = staff_client.get(url, {"refusal": "forced"}).context["cl"]
    assert [p.pk for p in found.result_list] == [forced.pk]
    assert staff_client.get(url, {"refusal": "accepted"}).context["cl"].result_count == len(readings)


def test_the_change_page_shows_the_refusal_and_the_ignored_marks(staff_client, forced):
    html = staff_client.get(reverse("admin:recognizer_prediction_change", args=[forced.pk])).content.decode()
    assert "forced past a refusal" in html.lower()
    assert "it was read anyway, as you asked" in html
    assert "mark 1 (box 5 6 30 10; 93.0% not a digit)" in html  # as the pages write a share
    assert '<rect class="ignored"' in html and ">ignored</span>" in html  # drawn as on the reading's page
    assert html.count("<rect ") == 2 + 1  # two digits and the ignored mark (one line: no line box)


def test_the_confidence_filter_uses_the_flag_stored_with_each_reading(staff_client, readings):
    Prediction.objects.filter(pk=readings[0].pk).update(uncertain=True)
    url = reverse(CHANGELIST)
    assert [p.pk for p in staff_client.get(url, {"confidence": "low"}).context["cl"].result_list] == [readings[0].pk]
    assert staff_client.get(url, {"confidence": "high"}).context["cl"].result_count == 1


# Answers: confirmed, corrected, not a digit -------------------------------------------------


def test_the_list_shows_each_answer_and_filters_by_it(staff_client, readings, owner):
    confirmed, star = readings
    services.prediction_confirm(prediction=confirmed)
    services.prediction_mark_not_digit(prediction=star)
    corrected = services.prediction_create(user=owner, image=digits_png("4"), multi=False, source="draw")
    services.prediction_correct(prediction=corrected, correct_label="9")
    unanswered = services.prediction_create(user=owner, image=digits_png("2"), multi=False, source="draw")
    url = reverse(CHANGELIST)
    html = staff_client.get(url).content.decode()
    assert '<td class="field-answer_display">Not a digit</td>' in html
    assert '<td class="field-answer_display">Confirmed</td>' in html
    assert '<td class="field-answer_display">Corrected to 9</td>' in html
    assert '<td class="field-answer_display">No answer yet</td>' in html
    assert "By answer" in html

    def found(answer: str) -> list[int]:
        return [p.pk for p in staff_client.get(url, {"answer": answer}).context["cl"].result_list]

    assert found("not_a_digit") == [star.pk]
    assert found("confirmed") == [confirmed.pk]
    assert found("corrected") == [corrected.pk]
    assert found("unanswered") == [unanswered.pk]


def test_a_reviewer_marks_a_reading_not_a_digit_and_never_both(staff_client, staff, readings):
    prediction = readings[0]
    services.prediction_correct(prediction=prediction, correct_label="1")
    url = reverse("admin:recognizer_prediction_change", args=[prediction.pk])
    assert 'name="marked_not_a_digit"' in staff_client.get(url).content.decode()

    response = staff_client.post(url, {"correct_label": "1", "marked_not_a_digit": "on"})
    assert response.status_code == 200  # the form again: a reading has one answer
    assert "A reading is either corrected or not a digit, not both." in response.content.decode()
    prediction.refresh_from_db()
    assert (prediction.correct_label, prediction.marked_not_a_digit, prediction.reviewed) == ("1", False, False)

    assert staff_client.post(url, {"correct_label": "", "marked_not_a_digit": "on"}).status_code == 302
    prediction.refresh_from_db()
    assert (prediction.correct_label, prediction.marked_not_a_digit) == (None, True)
    assert prediction.reviewed and prediction.reviewed_by == staff


def test_mark_reviewed_keeps_a_not_a_digit_answer(staff_client, readings):
    star = readings[0]
    services.prediction_mark_not_digit(prediction=star)
    staff_client.post(reverse(CHANGELIST), {"action": "mark_reviewed", "_selected_action": [star.pk]})
    star.refresh_from_db()
    assert star.reviewed and star.marked_not_a_digit and star.correct_label is None


def test_deleting_in_the_admin_removes_the_pictures_and_gives_back_the_storage(
    staff_client, readings, django_capture_on_commit_callbacks
):
    first, second = readings[0], readings[1]
    paths = [p.image.path for p in (first, second)]
    used = StorageUse.objects.get(user=first.user).bytes
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion commits
        response = staff_client.post(reverse("admin:recognizer_prediction_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Prediction.objects.filter(pk=first.pk).exists()
    assert not Path(paths[0]).exists()
    assert StorageUse.objects.get(user=first.user).bytes == used - first.image_bytes
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:recognizer_prediction_changelist"),
            {"action": "delete_selected", "_selected_action": [second.pk], "post": "yes"},
        )
    assert not Prediction.objects.filter(pk=second.pk).exists() and not Path(paths[1]).exists()
