""" "That's not right": the owner corrects or confirms a reading on its page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recognizer import services
from tests.a11y import dangling_references, described_by
from tests.pages.readings import make

pytestmark = pytest.mark.django_db


def test_the_owner_corrects_a_reading(owner_client, owner):
    prediction = make(owner, "7")
    url = reverse("recognizer:correct", kwargs={"pk": prediction.pk})
    response = owner_client.post(url, {"correct_label": " 1 "}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("recognizer:detail", kwargs={"pk": prediction.pk})
    prediction.refresh_from_db()
    assert prediction.correct_label == "1"
    html = response.content.decode()
    assert "saved 1 as the correct reading" in html
    assert "Corrected" in html
    # The History shows it too.
    assert "Corrected to 1" in owner_client.get(reverse("recognizer:history")).content.decode()


def test_confirming_the_reading_stores_it_as_right(owner_client, owner):
    prediction = make(owner, "45")
    owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": "45"})
    prediction.refresh_from_db()
    assert prediction.correct_label == "45" and prediction.is_correct


@pytest.mark.parametrize("label", ["", "   ", "seven", "7a", "12a", "-1", "12  345", "12-34", "1" * 65, "٣"])
def test_a_bad_correction_shows_the_error_and_stores_nothing(owner_client, owner, label):
    prediction = make(owner, "7")
    services.prediction_correct(prediction=prediction, correct_label="1")
    response = owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": label})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error" role="alert"' in html
    assert "This field is required" in html or "Enter digits only" in html or "at most 64" in html
    assert described_by(html, "id_correct_label") == ["id_correct_label_helptext", "id_correct_label_error"]
    assert dangling_references(html) == []
    prediction.refresh_from_db()
    assert prediction.correct_label == "1"


@pytest.mark.parametrize("label", ["12 345", "2024 17 365"])
def test_a_number_of_several_lines_is_a_correction(owner_client, owner, label):
    prediction = make(owner, "7")
    response = owner_client.post(reverse("recognizer:correct", kwargs={"pk": prediction.pk}), {"correct_label": label})
    assert response.status_code == 302
    prediction.refresh_from_db()
    assert prediction.correct_label == label and prediction.is_correct is False


def test_get_on_the_correction_address_goes_to_the_form(owner_client, owner):
    prediction = make(owner, "7")
    response = owner_client.get(reverse("recognizer:correct", kwargs={"pk": prediction.pk}))
    assert response.status_code == 302
    assert response.url == reverse("recognizer:detail", kwargs={"pk": prediction.pk}) + "#correct"
