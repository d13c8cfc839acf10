"""The staff review queue (most useful first, one at a time, keyboard only) and the dashboard."""

from __future__ import annotations

import pytest
from django.urls import reverse

from learning.selectors import review_queue
from recognizer import services
from tests.pictures import digits_png

pytestmark = pytest.mark.django_db
REVIEW = reverse("learning_review")
DASHBOARD = reverse("learning_dashboard")


def reading(user, label: str = "7", **fields):
    prediction = services.prediction_create(user=user, image=digits_png(label), multi=len(label) > 1, source="draw")
    for name, value in fields.items():
        setattr(prediction, name, value)
    prediction.save()
    return prediction


def test_the_queue_puts_what_people_answered_first_then_refusals_then_doubts(owner):
    sure = reading(owner)  # nothing to look at: not in the queue
    unsure = reading(owner, uncertain=True)
    forced = reading(owner, forced=True)
    corrected = reading(owner, correct_label="1")
    not_digit = reading(owner, marked_not_a_digit=True)
    done = reading(owner, correct_label="1", reviewed=True)
    assert list(review_queue()) == [corrected, not_digit, forced, unsure]
    assert sure not in review_queue() and done not in review_queue()


def test_a_reviewer_answers_one_at_a_time(client, staff, owner):
    first = reading(owner, correct_label="1")
    second = reading(owner, uncertain=True)
    third = reading(owner, forced=True)
    client.force_login(staff)
    page = client.get(REVIEW).content.decode()
    assert f"Reading {first.pk}: read as" in page and 'id="review-picture"' in page
    assert 'class="stored-frame"' in page and "<rect" in page and "stroke=" not in page  # boxes.html, styled by CSS
    assert "3 readings to review" in page

    client.post(REVIEW, {"prediction": first.pk, "action": "save", "correct_label": "1"})  # Enter
    client.post(REVIEW, {"prediction": third.pk, "action": "not_digit"})
    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.reviewed, first.reviewed_by, first.correct_label) == (True, staff, "1")
    assert (third.reviewed, third.marked_not_a_digit, third.correct_label) == (True, True, None)

    bad = client.post(REVIEW, {"prediction": second.pk, "action": "save", "correct_label": "seven"})
    assert bad.status_code == 400 and "Enter digits only" in bad.content.decode()
    second.refresh_from_db()
    assert not second.reviewed

    client.post(REVIEW, {"prediction": second.pk, "action": "skip"})
    assert "Nothing left to review" in client.get(REVIEW).content.decode()
    assert f"Reading {second.pk}" in client.get(REVIEW + "?again=1", follow=True).content.decode()


def test_the_dashboard_counts_readings_corrections_and_accuracy_per_version(client, staff, owner):
    reading(owner, correct_label="7")  # confirmed
    reading(owner, correct_label="1")  # corrected: read 7, really 1
    reading(owner, marked_not_a_digit=True)
    reading(owner)
    client.force_login(staff)
    page = client.get(DASHBOARD).content.decode()
    assert "the last 30 days: 4, of which 2 corrected" in page
    assert "<td>3</td><td>33.3% (1)</td>" in page  # of 3 answered, 1 read right
    assert "read 7, answer 1: 1" in page and "read 7, answer 7: 1" in page


@pytest.mark.parametrize("url", [REVIEW, DASHBOARD])
def test_only_staff_see_them(client, owner, url):
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
