"""Readings of every status, for History's status filter and for previous and next within it."""

from __future__ import annotations

import pytest

from recognizer import services
from recognizer.models import Prediction
from tests.pages.readings import make


@pytest.fixture
def answered(owner, member):
    """One reading of each status, newest first, and another person's reading with an answer."""
    readings = {
        "unanswered": make(owner, "1", minutes_ago=5),
        "confirmed": make(owner, "2", minutes_ago=4),
        "corrected": make(owner, "3", minutes_ago=3),
        "not_a_digit": make(owner, "4", minutes_ago=2),
        "not_sure": make(owner, "5", minutes_ago=1),
    }
    services.prediction_confirm(prediction=readings["confirmed"])
    services.prediction_correct(prediction=readings["corrected"], correct_label="8")
    services.prediction_mark_not_digit(prediction=readings["not_a_digit"])
    Prediction.objects.filter(pk=readings["not_sure"].pk).update(uncertain=True)  # the model's own flag
    services.prediction_mark_not_digit(prediction=make(member, "4"))
    return readings
