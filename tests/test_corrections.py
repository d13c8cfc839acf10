"""Reviewed corrections become training data in MNIST's form."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from ml.data import load_extra
from recognizer.corrections import corrections_export
from recognizer.services import prediction_correct, prediction_create, prediction_review
from tests.pictures import digits_png

pytestmark = pytest.mark.django_db


def reading(user, label: str, *, multi: bool):
    return prediction_create(user=user, image=digits_png(label), multi=multi, source="upload")


def test_reviewed_corrections_are_exported_digit_by_digit(owner, staff, tmp_path):
    single = reading(owner, "7", multi=False)
    prediction_review(prediction=single, reviewer=staff, correct_label="1")  # the reviewer says it is a 1
    line = reading(owner, "407", multi=True)
    prediction_review(prediction=line, reviewer=staff)
    prediction_correct(prediction=line, correct_label="407")
    unreviewed = reading(owner, "4", multi=False)
    prediction_correct(prediction=unreviewed, correct_label="9")  # the owner's word alone is not enough

    path = tmp_path / "corrections.npz"
    result = corrections_export(path=path)

    assert (result.images, result.readings, result.skipped) == (4, 2, ())
    extra = load_extra(path)
    assert extra.x.shape == (4, 28, 28) and extra.x.dtype == np.uint8
    assert extra.y.tolist() == [1, 4, 0, 7]
    for digit in extra.x:  # MNIST form: white ink on black, centred
        assert digit.max() == 255 and digit[0].max() == 0 and digit[:, 0].max() == 0


def test_a_reading_whose_digits_do_not_match_its_label_is_skipped(owner, staff, tmp_path):
    two_digits_read_as_one = reading(owner, "12", multi=False)
    prediction_review(prediction=two_digits_read_as_one, reviewer=staff, correct_label="12")
    path = tmp_path / "corrections.npz"

    result = corrections_export(path=path)

    assert result.skipped == (two_digits_read_as_one.pk,)
    assert result.images == 0 and not path.exists()
    with pytest.raises(CommandError, match="No reviewed corrections"):
        call_command("export_corrections", "--out", str(path))


def test_the_command_writes_the_file(owner, staff, tmp_path, capsys):
    prediction_review(prediction=reading(owner, "3", multi=False), reviewer=staff, correct_label="3")
    path = tmp_path / "out.npz"
    call_command("export_corrections", "--out", str(path))
    assert "wrote 1 images from 1 readings" in capsys.readouterr().out
    assert load_extra(path).y.tolist() == [3]


def test_a_label_of_several_lines_pairs_its_digits_ignoring_the_spaces(owner, staff, tmp_path):
    line = reading(owner, "407", multi=True)
    prediction_review(prediction=line, reviewer=staff, correct_label="40 7")  # the reviewer sees two lines
    path = tmp_path / "corrections.npz"

    result = corrections_export(path=path)

    assert (result.images, result.readings, result.skipped) == (3, 1, ())
    assert load_extra(path).y.tolist() == [4, 0, 7]


def test_readings_answered_not_a_digit_are_exported_as_the_non_digit_class(owner, staff, tmp_path, capsys):
    from ml.model import NOT_A_DIGIT
    from recognizer.services import prediction_mark_not_digit
    from tests.pictures import not_a_digit_png

    assert NOT_A_DIGIT == 10  # the model's eleventh output (ml.model)
    star = prediction_create(user=owner, image=not_a_digit_png("star"), multi=False, source="draw", force=True)
    prediction_mark_not_digit(prediction=star)  # the owner says so ...
    prediction_review(prediction=star, reviewer=staff)  # ... and a reviewer checks it
    scrawl = reading(owner, "12", multi=True)  # read as two digits; its owner says it is no digit at all
    prediction_mark_not_digit(prediction=scrawl)
    prediction_review(prediction=scrawl, reviewer=staff)
    three = reading(owner, "3", multi=False)
    prediction_review(prediction=three, reviewer=staff, correct_label="3")
    unreviewed = reading(owner, "4", multi=False)
    prediction_mark_not_digit(prediction=unreviewed)
    path = tmp_path / "corrections.npz"

    result = corrections_export(path=path)

    # The star is one picture read as one digit; the scrawl's two pieces are each labelled.
    assert (result.images, result.not_digits, result.readings, result.skipped) == (4, 3, 3, ())
    extra = load_extra(path)  # what `train_model --extra` loads: label 10 is accepted
    assert extra.y.tolist() == [10, 10, 10, 3]
    assert extra.x.shape == (4, 28, 28) and all(image.max() == 255 for image in extra.x)

    call_command("export_corrections", "--out", str(path))
    assert f"wrote 4 images from 3 readings to {path} (3 labelled 10, not a digit)" in capsys.readouterr().out
