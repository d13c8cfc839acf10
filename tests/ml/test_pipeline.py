"""read(): the whole engine with the real model, on pictures like the site receives."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from benchmarks import synth
from benchmarks.glyphs import Glyph, MarkGlyph, draw
from ml.decode import WORK_SIDE
from ml.errors import NoDigitFound, UnreadableImage
from ml.model import get_model
from ml.pipeline import read
from ml.reading import Reading


def picture(glyphs: Sequence[Glyph | MarkGlyph], size: tuple[int, int], fmt: str = "PNG") -> bytes:
    grey = 255 - np.round(draw(glyphs, size) * 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(grey).save(out, format=fmt)
    return out.getvalue()


def row(digits: str, height: float = 200, brush: int = 14) -> tuple[list[Glyph], tuple[int, int]]:
    glyphs, x = [], 30.0
    for i, digit in enumerate(digits):
        glyphs.append(Glyph(digit=digit, form=0, x=x, y=40, height=height, brush=brush, slant=0.15, seed=i))
        x += glyphs[-1].extent()[0] + 40
    return glyphs, (int(x) + 30, int(height) + 80)


@pytest.fixture(scope="module")
def model():
    return get_model()


@pytest.mark.parametrize("digit", list("0123456789"))
def test_one_drawn_digit(model, digit):
    glyph = Glyph(digit=digit, form=0, x=60, y=50, height=180, brush=16, slant=0.1, seed=4)
    reading = read(picture([glyph], (280, 280)), multi=False, model=model)
    assert reading.digit == int(digit) and reading.number == digit
    assert len(reading.digits) == 1 and not reading.multi
    probabilities = reading.probabilities
    assert probabilities is not None  # a one-digit reading has them
    assert len(probabilities) == 10 and sum(probabilities) == pytest.approx(1.0, abs=1e-9)
    d = reading.digits[0]
    assert 0 <= d.not_digit < model.refuse_at
    assert reading.confidence == pytest.approx(max(probabilities) * (1 - d.not_digit))
    assert reading.uncertain == (reading.confidence < model.uncertain_below)
    assert (reading.width, reading.height) == (280, 280)
    assert reading.model_version == model.version
    x, y, w, h = reading.digits[0].box
    assert 50 <= x <= 80 and 40 <= y <= 60 and 0 < x + w <= 280 and 0 < y + h <= 280


def test_a_line_of_digits(model):
    glyphs, size = row("40719")
    reading = read(picture(glyphs, size), multi=True, model=model)
    assert reading.number == "40719"
    assert reading.multi and reading.digit is None and reading.probabilities is None
    assert reading.confidence == min(d.confidence for d in reading.digits)
    assert reading.uncertain == any(d.confidence < model.uncertain_below for d in reading.digits)
    lefts = [d.box[0] for d in reading.digits]
    assert lefts == sorted(lefts)
    for d in reading.digits:
        assert len(d.probabilities) == 10 and d.digit == int(np.argmax(d.probabilities))


def test_one_digit_mode_reads_a_line_as_one_digit(model):
    glyphs, size = row("40719")
    reading = read(picture(glyphs, size), multi=False, model=model)
    assert len(reading.digits) == 1
    _x, _y, w, _h = reading.digits[0].box
    assert w > 0.8 * size[0]


def test_the_picture_read_is_the_upright_picture_at_the_working_size(model):
    glyph = Glyph(digit="7", form=0, x=600, y=300, height=1200, brush=60)
    reading = read(picture([glyph], (3000, 2000), "JPEG"), multi=False, model=model)
    assert (reading.width, reading.height) == (3000, 2000)
    assert reading.picture.shape == (666, WORK_SIDE)  # a third of each side, the ink's working size
    assert reading.digit == 7


def test_the_picture_read_of_a_transparent_canvas_shows_the_strokes(model):
    alpha = np.round(draw([Glyph(digit="2", form=0, x=60, y=50, height=180, brush=16)], (280, 280)) * 255)
    rgba = np.dstack([np.full((280, 280, 3), 255, np.uint8), alpha.astype(np.uint8)])
    out = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(out, format="PNG")
    reading = read(out.getvalue(), multi=False, model=model)
    assert reading.digit == 2
    assert reading.picture.min() == 0 and reading.picture.max() == 255  # white strokes on a black background


def test_readings_are_frozen_and_timed(model):
    reading = read(picture(*row("3")), multi=False, model=model)
    assert isinstance(reading, Reading) and reading.duration_ms > 0
    with pytest.raises(AttributeError):
        reading.digits = ()  # type: ignore[misc]


@pytest.mark.parametrize(
    "data,error", [(b"", UnreadableImage), (b"GIF89a", UnreadableImage), (picture([], (280, 280)), NoDigitFound)]
)
def test_bad_pictures_raise_instead_of_guessing(model, data, error):
    with pytest.raises(error):
        read(data, multi=False, model=model)
    with pytest.raises(error):
        read(data, multi=True, model=model)


def test_the_default_model_is_the_process_model():
    reading = read(picture(*row("8")), multi=False)
    assert reading.model_version == get_model().version


SAMPLES = {"canvas": 90, "paper": 50, "line": 60}


@pytest.mark.parametrize("kind,count", SAMPLES.items())
def test_realistic_pictures_are_read_correctly(model, kind, count):
    right = sum(
        read(s.data, multi=kind == "line", model=model).number == s.label for s in synth.samples(kind, count, seed=7)
    )
    assert right / count >= 0.95, f"{right}/{count} {kind} pictures read correctly"


def test_auto_reads_one_digit_as_one_and_a_number_as_a_number(model):
    one = read(picture(*row("5")), multi=False, auto=True, model=model)
    assert (one.multi, one.number, one.separate_digits) == (False, "5", 1)
    number = read(picture(*row("372")), multi=False, auto=True, model=model)
    assert (number.multi, number.number, number.digit, number.notice) == (True, "372", None, None)
    # Without auto, the same picture is one digit, with a notice that it was not.
    squeezed = read(picture(*row("372")), multi=False, model=model)
    assert squeezed.multi is False and squeezed.separate_digits == 3
    assert squeezed.notice is not None and "3 separate digits" in squeezed.notice


def test_each_digit_keeps_the_picture_the_model_was_given(model):
    reading = read(picture(*row("40")), multi=True, model=model)
    for d in reading.digits:
        assert d.seen is not None
        assert d.seen.shape == (28, 28) and 0 <= d.seen.min() and d.seen.max() <= 1
        # as MNIST: the ink fills a 20x20 box in the middle, the border stays paper
        assert d.seen[:3].max() == 0 and d.seen[-3:].max() == 0 and d.seen.max() > 0.9
        assert model.predict(d.seen[None]).argmax() == d.digit  # what it read is what it was given


def test_the_parts_of_touching_digits_are_read_by_the_model_once(model, monkeypatch):
    glyphs: list[Glyph] = []
    for i, digit in enumerate("365"):
        glyph = Glyph(digit=digit, form=0, x=30.0, y=40, height=160, brush=14, slant=0.15, width=1.2, seed=i)
        if glyphs:
            glyph = replace(glyph, x=synth.touching_x(glyphs[-1], glyph, crossing=7))
        glyphs.append(glyph)
    data = picture(glyphs, (int(glyphs[-1].x + glyphs[-1].extent()[0]) + 40, 240))
    calls = []
    predict = model.predict

    def counted_predict(images):
        calls.append(len(images))
        return predict(images)

    monkeypatch.setattr(model, "predict", counted_predict)
    reading = read(data, multi=True, model=model)
    # one call scores every candidate part; the parts kept are not sent to the model again
    assert reading.number == "365" and len(calls) == 1
    for d in reading.digits:
        assert d.seen is not None
        assert model.predict(d.seen[None]).argmax() == d.digit
