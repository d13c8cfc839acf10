"""Readings saved the way the site saves them (services.prediction_create, the real model), the
addresses of a reading's pages, and the readings a History page lists, for the page tests."""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.urls import reverse
from django.utils import timezone

from recognizer import services
from recognizer.models import Prediction
from tests.pictures import digits_png

picture = functools.cache(digits_png)  # the same drawing for every test that needs one
HISTORY = reverse("recognizer:history")


def make(user, label: str = "7", *, source: str = "draw", minutes_ago: int = 0) -> Prediction:
    prediction = services.prediction_create(user=user, image=picture(label), multi=len(label) > 1, source=source)
    assert prediction.number == label  # the real model reads the test pictures right
    if minutes_ago:  # History's order is by time: readings made in one test are given their own minutes
        earlier = timezone.now() - dt.timedelta(minutes=minutes_ago)
        Prediction.objects.filter(pk=prediction.pk).update(created_at=earlier)
        prediction.refresh_from_db()
    return prediction


def ids_listed(response) -> list[int]:
    return [int(i) for i in re.findall(r'class="history-item" data-id="(\d+)"', response.content.decode())]


def detail_url(prediction: Prediction) -> str:
    return reverse("recognizer:detail", kwargs={"pk": prediction.pk})


def answer_url(prediction: Prediction) -> str:
    return reverse("recognizer:answer", kwargs={"pk": prediction.pk})


def stored_answer(prediction: Prediction) -> tuple[str | None, bool]:
    """The answer as stored: the correct label and whether it was marked not a digit."""
    prediction.refresh_from_db()
    return prediction.correct_label, prediction.marked_not_a_digit
