"""How a reading is shown: one rule for percentages and bars, on the pages, in the admin and in the script."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from recognizer.presentation import BAR_MIN_PERCENT, Bar, percent, script_rules

DRAW_SCRIPTS = Path(__file__).resolve().parent.parent / "static/js/draw"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.973, "97.3%"), (0.5, "50.0%"), (0.9994, "99.9%"), (0.9995, "100%"), (1.0, "100%"), (0.0004, "0%"), (None, "")],
)
def test_a_share_has_one_place_unless_it_would_read_as_none_or_all(value, shown):
    assert percent(value) == shown


def test_every_bar_shows_at_least_a_dot():
    assert Bar(digit=3, value=0.0, top=False).width == f"{BAR_MIN_PERCENT:.2f}%"
    assert Bar(digit=3, value=0.42, top=True).width == "42.00%"


@pytest.mark.django_db
def test_the_drawing_page_gets_the_rules_and_its_script_keeps_no_copy_of_them(client):
    config = client.get(reverse("recognizer:draw")).context["draw_config"]
    assert script_rules().items() <= config.items()
    for script in DRAW_SCRIPTS.glob("*.js"):
        text = script.read_text()
        assert "99.95" not in text and "0.05" not in text, script.name  # the cut-offs of percent()
