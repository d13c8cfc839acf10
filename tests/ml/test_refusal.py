"""Honest answers: what is no digit is refused, and a number read as one digit says so.

Real pictures through the real pipeline and the committed model, drawn as the
page's canvas draws them (dark strokes on white, round caps).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from benchmarks.pictures import digits_png
from ml import non_digits
from ml.errors import NotADigit
from ml.model import calibrate, get_model
from ml.pipeline import NOISE_MARKS, read

SIDE = 280
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mnist_test_sample.npz"


def grey_of(data: bytes) -> np.ndarray:
    grey = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert grey is not None
    return grey


def canvas_png(draw) -> bytes:
    canvas = np.full((SIDE, SIDE), 255, np.uint8)
    draw(canvas)
    ok, data = cv2.imencode(".png", canvas)
    assert ok
    return data.tobytes()


def stroke(canvas: np.ndarray, points, width: int = 18) -> None:
    cv2.polylines(canvas, [np.array(points, np.int32).reshape(-1, 1, 2)], False, 0, width, cv2.LINE_AA)


def star(canvas):
    angles = np.arange(11) * np.pi / 5 - np.pi / 2
    radii = np.where(np.arange(11) % 2 == 0, 110, 45)
    stroke(canvas, np.c_[140 + radii * np.cos(angles), 145 + radii * np.sin(angles)])


def letter_a(canvas):
    stroke(canvas, [(60, 240), (140, 40), (220, 240)])
    stroke(canvas, [(95, 160), (185, 160)])


def letter_h(canvas):
    stroke(canvas, [(70, 40), (70, 240)])
    stroke(canvas, [(210, 40), (210, 240)])
    stroke(canvas, [(70, 140), (210, 140)])


def scribble(canvas):
    t = np.linspace(0, 2 * np.pi, 400)
    x, y = np.sin(3 * t) + 0.5 * np.sin(7 * t), np.cos(5 * t) + 0.4 * np.sin(11 * t)
    stroke(canvas, np.c_[140 + 75 * x, 140 + 85 * y], width=10)


def smiley(canvas):
    cv2.circle(canvas, (140, 140), 100, 0, 14, cv2.LINE_AA)
    cv2.circle(canvas, (105, 110), 12, 0, -1, cv2.LINE_AA)
    cv2.circle(canvas, (175, 110), 12, 0, -1, cv2.LINE_AA)
    cv2.ellipse(canvas, (140, 150), (55, 45), 0, 20, 160, 0, 14, cv2.LINE_AA)


def dot(canvas):
    cv2.circle(canvas, (140, 140), 11, 0, -1, cv2.LINE_AA)


def dash(canvas):
    stroke(canvas, [(50, 150), (230, 145)])


NOT_DIGITS = {
    "star": star,
    "letter A": letter_a,
    "letter H": letter_h,
    "scribble": scribble,
    "smiley": smiley,
    "dot": dot,
    "horizontal line": dash,
}


@pytest.fixture(scope="module")
def model():
    model = get_model()
    if model.predict(np.zeros((1, 28, 28), np.float32)).shape[1] == 10:
        pytest.fail(f"the committed model {model.version} has no 'not a digit' output")
    return model


@pytest.mark.parametrize("name", list(NOT_DIGITS))
def test_what_is_no_digit_is_refused(model, name):
    with pytest.raises(NotADigit, match="doesn't look like a digit"):
        read(canvas_png(NOT_DIGITS[name]), multi=False, model=model)
    with pytest.raises(NotADigit):
        read(canvas_png(NOT_DIGITS[name]), multi=True, model=model)


def test_force_reads_it_anyway_and_says_so(model):
    reading = read(canvas_png(star), multi=False, model=model, force=True)
    assert reading.forced and reading.notice and "read anyway" in reading.notice
    d = reading.digits[0]
    assert d.not_digit >= model.refuse_at
    assert sum(d.probabilities) == pytest.approx(1.0, abs=1e-9)
    assert d.confidence == pytest.approx(max(d.probabilities) * (1 - d.not_digit))
    assert d.uncertain  # a forced reading is never a sure one


def test_a_real_digit_is_neither_refused_nor_forced(model):
    reading = read(digits_png("4"), multi=False, model=model, force=True)
    assert reading.number == "4" and not reading.forced and reading.notice is None
    assert reading.digits[0].not_digit < model.refuse_at


def test_a_dash_between_groups_is_left_out_of_the_number(model):
    # "12-34": digits, then a short dash at mid-height, then digits.
    left, right = grey_of(digits_png("12", height=160)), grey_of(digits_png("34", height=160))
    gap = np.full((left.shape[0], 120), 255, np.uint8)
    middle = left.shape[0] // 2
    cv2.line(gap, (25, middle), (95, middle), 0, 16, cv2.LINE_AA)
    _ok, data = cv2.imencode(".png", np.hstack([left, gap, right]))
    reading = read(data.tobytes(), multi=True, model=model)
    assert reading.number == "1234"
    assert len(reading.ignored) == 1
    x, _y, w, _h = reading.ignored[0].box
    assert left.shape[1] <= x and x + w <= left.shape[1] + 120
    assert reading.ignored[0].not_digit >= model.refuse_at


def blotches(seed: int) -> bytes:
    """What a wiped screen or a dirty lens leaves (as the model's non-digits are made): dozens
    of random blobs, a few of them digit-like."""
    _ok, data = cv2.imencode(".png", non_digits._noise(np.random.default_rng(seed)))
    return data.tobytes()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_picture_of_blotches_is_no_number(model, seed):
    with pytest.raises(NotADigit):
        read(blotches(seed), multi=True, model=model)
    reading = read(blotches(seed), multi=True, model=model, force=True)
    assert reading.forced
    assert len(reading.ignored) >= NOISE_MARKS and len(reading.ignored) > len(reading.digits)


def test_a_few_marks_between_digits_leave_the_number_a_number(model):
    # "2.0.2.4": as many full stops as the rule allows, fewer than the digits.
    digits = [grey_of(digits_png(c)) for c in "2024"]
    bottom = int(np.flatnonzero((digits[0] < 128).any(axis=1))[-1])
    stop = np.full((SIDE, 30), 255, np.uint8)
    cv2.circle(stop, (15, bottom - 15), 15, 0, -1, cv2.LINE_AA)  # larger than a speck of dust
    grey = np.hstack([digits[0], stop, digits[1], stop, digits[2], stop, digits[3]])
    _ok, data = cv2.imencode(".png", grey)
    reading = read(data.tobytes(), multi=True, model=model)
    assert reading.number == "2024" and not reading.forced
    assert len(reading.ignored) == NOISE_MARKS


def test_a_number_read_as_one_digit_says_how_many_it_saw(model):
    reading = read(digits_png("372"), multi=False, model=model)
    assert len(reading.digits) == 1
    assert reading.separate_digits == 3
    assert reading.notice is not None and "3 separate digits" in reading.notice
    assert read(digits_png("372"), multi=True, model=model).number == "372"


def test_the_served_probabilities_are_the_calibrated_ones(model):
    with np.load(FIXTURE) as sample:
        batch = sample["x"][:16].astype(np.float32) / 255.0
    assert model.temperature != 1.0
    calibrated = model.predict(batch)
    np.testing.assert_allclose(calibrated, calibrate(model.predict_raw(batch), model.temperature))
    np.testing.assert_allclose(calibrated.sum(axis=1), 1.0, atol=1e-9)
    assert (calibrated.argmax(axis=1) == model.predict_raw(batch).argmax(axis=1)).all()
