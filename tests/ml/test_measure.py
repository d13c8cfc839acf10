"""The held-out measurement: figures per set as the issue defines them, and the two pictures."""

from __future__ import annotations

import pytest
from PIL import Image

from ml import measure
from ml.measure import Answer
from ml.model import NOT_A_DIGIT


def answers() -> list[Answer]:
    return [
        Answer("uji", 3, 3, 0.99, False, False),  # right, sure
        Answer("uji", 3, 3, 0.60, True, False),  # right, flagged
        Answer("uji", 5, 6, 0.55, True, False),  # wrong, flagged
        Answer("uji", 7, 1, 0.97, False, False),  # wrong, not flagged: the dishonest case
        Answer("uji", 4, 9, 0.01, True, True),  # refused (forced past a refusal)
        Answer("shapes", NOT_A_DIGIT, 8, 0.02, True, True, refused_as_number=True),
        Answer("shapes", NOT_A_DIGIT, 1, 0.90, False, False, refused_as_number=False),
    ]


def test_figures_of_a_set_of_digits():
    f = measure.figures("uji", [a for a in answers() if a.source == "uji"])
    assert f.pictures == 5 and f.digits
    assert f.accuracy == pytest.approx(2 / 5)
    assert f.refused == pytest.approx(1 / 5)
    assert f.right_unflagged == pytest.approx(1 / 2)
    assert f.wrong_warned == pytest.approx(2 / 3)  # the 5 read as 6 (flagged) and the refused 4
    assert f.ece is not None and 0 < f.ece < 1


def test_figures_of_non_digits_count_refusals_both_ways():
    f = measure.figures("shapes", [a for a in answers() if a.source == "shapes"])
    assert not f.digits and f.accuracy is None and f.ece is None
    assert f.refused == pytest.approx(0.5) and f.refused_as_number == pytest.approx(0.5)


def test_the_table_has_a_row_per_set_and_the_totals():
    table = measure.table(measure.by_source(answers()))
    rows = table.splitlines()[2:]
    assert [r.split("|")[1].strip() for r in rows] == ["uji", "shapes", "all other writers' digits", "all non-digits"]


def test_the_confusion_matrix_and_reliability_diagram_are_pictures(tmp_path):
    paths = measure.figures_written(answers(), tmp_path)
    assert [p.name for p in paths] == ["confusion.png", "reliability.png"]
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG" and min(image.size) > 300
