"""How a reading is shown: its lines, the marks ignored as no digit, a reading forced or read as
one digit, close runners-up."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from recognizer import services
from recognizer.models import Prediction
from recognizer.readings import CLOSE_WITHIN
from tests.pages.readings import make, picture

pytestmark = pytest.mark.django_db


def digit(value: int, box, *, best: float = 0.99, runner: tuple[int, float] | None = None) -> dict:
    probabilities = [0.0] * 10
    probabilities[value] = best
    if runner:
        probabilities[runner[0]] = runner[1]
    rest = (1 - sum(probabilities)) / probabilities.count(0.0)
    probabilities = [p or rest for p in probabilities]
    return {
        "digit": value,
        "confidence": best,
        "probabilities": probabilities,
        "box": list(box),
        "uncertain": best < 0.8,
        "not_digit": 0.0,
    }


def stored(user, lines: list[list[dict]], *, ignored=(), forced=False, notice=None, multi=True) -> Prediction:
    """A reading stored in the database as the service stores one, for what today's model cannot
    read yet (several lines, marks refused as no digit); its picture is the drawing of its digits."""
    rows: list[dict[str, Any]] = []
    for digits in lines:
        left, top = min(d["box"][0] for d in digits), min(d["box"][1] for d in digits)
        right = max(d["box"][0] + d["box"][2] for d in digits)
        bottom = max(d["box"][1] + d["box"][3] for d in digits)
        rows.append(
            {
                "number": "".join(str(d["digit"]) for d in digits),
                "box": [left, top, right - left, bottom - top],
                "digits": digits,
            }
        )
    every = [d for line in lines for d in line]
    single = not multi
    return Prediction.objects.create(
        user=user,
        source="draw",
        multi=multi,
        image="",
        width=600,
        height=400,
        digit=every[0]["digit"] if single else None,
        confidence=min(d["confidence"] for d in every),
        probabilities=every[0]["probabilities"] if single else None,
        digits=every,
        lines=rows,
        ignored=[{"box": list(b), "not_digit": 0.97} for b in ignored],
        number=" ".join(r["number"] for r in rows),
        uncertain=any(d["uncertain"] for d in every),
        forced=forced,
        notice=notice,
        model_version="test",
        duration_ms=1.0,
    )


def test_detail_draws_each_line_and_the_ignored_marks(owner_client, owner):
    prediction = stored(
        owner,
        [
            [digit(1, (20, 20, 40, 80)), digit(2, (80, 20, 50, 80))],
            [digit(3, (20, 200, 50, 80)), digit(4, (140, 200, 50, 80))],
        ],
        ignored=[(80, 230, 40, 12)],
    )
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert 'id="reading-number">12 34<' in html
    assert html.count('<rect class="line"') == 2 and html.count('<rect class="ignored"') == 1
    assert html.count("<rect ") == 2 + 4 + 1
    for line in prediction.lines:
        x, y, w, h = line["box"]
        assert f'<rect class="line" x="{x}" y="{y}" width="{w}" height="{h}"' in html
        assert f'aria-hidden="true">{line["number"]}</span>' in html
    assert '<rect class="ignored" x="80" y="230" width="40" height="12"' in html
    assert ">ignored</span>" in html
    assert "Line 1: <strong>12</strong>" in html and "Line 2: <strong>34</strong>" in html
    assert "1 mark left out as no digit" in html

    history = owner_client.get(reverse("recognizer:history")).content.decode()
    assert '<span class="history-line">12</span> <span class="history-line">34</span>' in history
    assert history.count('<rect class="line"') == 2 and history.count('<rect class="ignored"') == 1
    assert "1 mark ignored" in history


def test_one_line_needs_no_line_box(owner_client, owner):
    prediction = make(owner, "394")
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert '<rect class="line"' not in html and 'id="reading-lines"' not in html
    assert '<rect class="line"' not in owner_client.get(reverse("recognizer:history")).content.decode()


def test_a_forced_reading_says_so(owner_client, owner):
    prediction = stored(
        owner,
        [[digit(4, (40, 40, 200, 200), best=0.3)]],
        forced=True,
        multi=False,
        notice="This does not look like a digit; it was read anyway, as you asked.",
    )
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert 'id="reading-forced">Read anyway<' in html
    assert "it did not look like a digit, and was read anyway" in html
    assert 'id="reading-notice" role="note">This does not look like a digit; it was read anyway' in html
    assert "Read anyway" in owner_client.get(reverse("recognizer:history")).content.decode()


def test_a_number_read_as_one_digit_shows_the_notice(owner_client, owner):
    prediction = services.prediction_create(user=owner, image=picture("372"), multi=False, source="draw")
    assert prediction.separate_digits == 3
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": prediction.pk})).content.decode()
    assert "This picture seems to show 3 separate digits, read here as one" in html
    assert 'id="reading-forced"' not in html


def test_close_runners_up_are_shown_and_far_ones_are_not(owner_client, owner):
    close = stored(
        owner, [[digit(4, (40, 40, 200, 200), best=0.55, runner=(9, 0.55 - CLOSE_WITHIN + 0.01))]], multi=False
    )
    far = stored(owner, [[digit(4, (40, 40, 200, 200), best=0.8, runner=(9, 0.8 - CLOSE_WITHIN - 0.01))]], multi=False)
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": close.pk})).content.decode()
    assert 'id="reading-maybe">4, maybe 9<' in html
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": far.pk})).content.decode()
    assert "maybe" not in html
    number = stored(owner, [[digit(1, (20, 20, 40, 80)), digit(4, (80, 20, 50, 80), best=0.5, runner=(9, 0.45))]])
    html = owner_client.get(reverse("recognizer:detail", kwargs={"pk": number.pk})).content.decode()
    assert "Digit 2: 4, maybe 9" in html and "Digit 1: 1 <" in html
