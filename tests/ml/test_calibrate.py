"""Calibration: a fitted temperature changes how sure, never what; thresholds meet their goals."""

from __future__ import annotations

import numpy as np
import pytest

from ml import calibrate
from ml.model import calibrate as apply_temperature


def overconfident(n: int, classes: int, rng: np.random.Generator, temperature: float):
    """Softmax outputs of an honest model (labels drawn from its own probabilities), sharpened by `temperature`."""
    logits = rng.normal(0, 1.5, (n, classes))
    logits[np.arange(n), rng.integers(0, classes, n)] += 3.0
    honest = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    labels = np.array([rng.choice(classes, p=row) for row in honest])
    p = np.exp(logits / temperature)
    return p / p.sum(axis=1, keepdims=True), labels


def test_temperature_recovers_the_overconfidence_and_keeps_every_answer():
    rng = np.random.default_rng(0)
    raw, labels = overconfident(4000, 10, rng, temperature=0.3)
    t = calibrate.fit_temperature(raw, labels)
    assert 0.25 < 1 / t < 0.35  # undoes the sharpening by 1/0.3, within noise
    fitted = apply_temperature(raw, t)
    np.testing.assert_allclose(fitted.sum(axis=1), 1.0, atol=1e-12)
    assert (fitted.argmax(axis=1) == raw.argmax(axis=1)).all()
    before = calibrate.judge(raw)
    after = calibrate.judge(fitted)
    right = before.digit == labels
    assert (
        calibrate.expected_calibration_error(after.confidence, right)
        < calibrate.expected_calibration_error(before.confidence, right) / 2
    )


def test_a_temperature_of_one_changes_nothing():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    np.testing.assert_allclose(apply_temperature(p, 1.0), p)


def test_ece_of_an_honest_and_of_an_overconfident_reader():
    rng = np.random.default_rng(1)
    confidence = rng.uniform(0.5, 1, 20000)
    honest = rng.uniform(size=confidence.size) < confidence
    assert calibrate.expected_calibration_error(confidence, honest) < 0.02
    assert calibrate.expected_calibration_error(np.full(1000, 0.99), np.arange(1000) < 700) == pytest.approx(0.29)


def test_thresholds_meet_their_goals_on_the_data_they_were_chosen_on():
    rng = np.random.default_rng(2)
    raw, labels = overconfident(5000, 11, rng, temperature=0.5)
    fitted = calibrate.fit(raw, labels)
    f = fitted.figures
    assert f["digits_refused"] <= calibrate.MAX_DIGITS_REFUSED + 1e-9
    assert f["right_flagged"] <= calibrate.MAX_RIGHT_FLAGGED + 0.002
    assert f["wrong_flagged"] > f["right_flagged"]
    assert 0.5 <= fitted.refuse_at < 1 and 0 < fitted.uncertain_below < 1
    assert f["ece_after"] < f["ece_before"]


def test_a_ten_class_model_is_never_refused():
    rng = np.random.default_rng(3)
    raw, labels = overconfident(500, 10, rng, temperature=0.5)
    fitted = calibrate.fit(raw, labels)
    assert fitted.refuse_at == 1.0 and fitted.figures["non_digits"] == 0


@pytest.mark.parametrize("wrong", [20, 37, 400])
def test_not_sure_flags_just_enough_wrong_readings_when_that_flags_few_right_ones(wrong):
    rng = np.random.default_rng(wrong)
    right = np.ones(5000, bool)
    right[:wrong] = False
    confidence = np.where(right, rng.uniform(0.97, 1.0, right.size), rng.uniform(0.3, 0.96, right.size))
    threshold = calibrate.choose_uncertain_below(confidence, right)
    flagged = int((confidence[~right] < threshold).sum())
    assert flagged == int(np.ceil(calibrate.WRONG_FLAGGED * wrong))  # enough, and not one more
    assert (confidence[right] < threshold).mean() <= calibrate.MAX_RIGHT_FLAGGED
