"""read(multi=True) on pages: several lines, digits that touch, marks between groups (real model)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from benchmarks import synth
from benchmarks.glyphs import MARKS, Glyph, MarkGlyph, draw
from benchmarks.synth import touching_x
from ml.model import get_model
from ml.pipeline import read


def picture(glyphs: list, size: tuple[int, int]) -> bytes:
    grey = 255 - np.round(draw(glyphs, size) * 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(grey).save(out, format="PNG")
    return out.getvalue()


def page(rows: list[str], height: float = 120, pitch: float = 1.6, drift: float = 0.0) -> bytes:
    """Rows of plainly drawn digits and marks, one under the other."""
    glyphs, right = [], 0.0
    for r, items in enumerate(rows):
        x = 30.0 + 40 * r
        for i, item in enumerate(items):
            y = 30 + r * pitch * height + i * drift * height
            glyph: Glyph | MarkGlyph
            if item in MARKS:
                glyph = MarkGlyph(item, x=x, y=y, height=height, brush=10)
            else:
                glyph = Glyph(digit=item, form=0, x=x, y=y, height=height, brush=10, slant=0.15, seed=i)
            glyphs.append(glyph)
            x += glyph.extent()[0] + 0.3 * height
        right = max(right, x)
    bottom = max(g.y + g.extent()[1] for g in glyphs)
    return picture(glyphs, (int(right) + 30, int(bottom) + 40))


@pytest.fixture(scope="module")
def model():
    return get_model()


@pytest.mark.parametrize("rows", [["2024", "17"], ["2024", "17", "365"], ["9", "31415926", "80"]])
def test_a_page_reads_line_by_line(model, rows):
    reading = read(page(rows), multi=True, model=model)
    assert reading.number == " ".join(rows)
    assert [line.number for line in reading.lines] == rows
    tops = [line.box[1] for line in reading.lines]
    assert tops == sorted(tops)
    for line in reading.lines:
        lefts = [d.box[0] for d in line.digits]
        assert lefts == sorted(lefts)
    assert "".join(rows) == "".join(str(d.digit) for d in reading.digits)


def test_a_slanted_line_is_read_as_one(model):
    reading = read(page(["31415926", "2718"], drift=0.15, pitch=2.8), multi=True, model=model)
    assert reading.number == "31415926 2718"


def test_one_line_reads_as_one_line(model):
    reading = read(page(["40719"]), multi=True, model=model)
    assert reading.number == "40719" and len(reading.lines) == 1


@pytest.mark.parametrize("lead,digits", [("", "00"), ("5", "00"), ("1", "38")])
def test_touching_digits_are_read_apart(model, lead, digits):
    glyphs: list[Glyph] = []
    x = 30.0
    for i, digit in enumerate(lead + digits):
        glyph = Glyph(digit=digit, form=0, x=x, y=30, height=160, brush=12, slant=0.1, width=1.2, seed=i)
        if i == len(lead) + 1:  # the last two touch, crossing by 5 px
            glyph = Glyph(**{**glyph.__dict__, "x": touching_x(glyphs[-1], glyph, crossing=5)})
        glyphs.append(glyph)
        x = glyph.x + glyph.extent()[0] + 50
    reading = read(picture(glyphs, (int(x), 240)), multi=True, model=model)
    assert reading.number == lead + digits
    lefts = [d.box[0] for d in reading.digits]
    assert lefts == sorted(lefts)


def test_a_dash_between_groups_is_its_own_mark(model):
    reading = read(page(["12-34"]), multi=True, model=model)
    assert len(reading.digits) + len(reading.ignored) == 5  # the dash is neither lost nor merged into a digit
    if model.predict(np.zeros((1, 28, 28), np.float32)).shape[1] > 10:  # a model that knows what is no digit
        assert reading.number == "1234" and len(reading.ignored) == 1


def test_realistic_pages_are_read_correctly(model):
    samples = list(synth.samples("page", 20, seed=7))
    right = sum(read(s.data, multi=True, model=model).number == s.label for s in samples)
    assert right / len(samples) >= 0.8, f"{right}/{len(samples)} pages read correctly"
