"""The synthetic pictures: deterministic, decodable, and as varied as promised."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from benchmarks import synth
from benchmarks.glyphs import MARKS, TEMPLATES, Glyph, MarkGlyph, draw
from ml.decode import decode, to_grey
from ml.ink import extract_ink


def test_the_same_seed_gives_the_same_pictures_and_another_seed_others():
    first = list(synth.samples("canvas", 5, seed=11))
    assert first == list(synth.samples("canvas", 5, seed=11))
    assert [s.data for s in first] != [s.data for s in synth.samples("canvas", 5, seed=12)]


LABELS = {
    "canvas": r"\d",
    "paper": r"\d",
    "line": r"\d{2,8}",
    "page": r"\d{1,8}( \d{1,8}){1,2}",
    "touching": r"\d{2,4}",
    "marks": r"\d{2,12}",
}


@pytest.mark.parametrize("kind", synth.KINDS)
def test_samples_are_pictures_with_digit_labels(kind):
    for sample in synth.samples(kind, 6, seed=3):
        assert sample.kind == kind and re.fullmatch(LABELS[kind], sample.label), sample.label
        Image.open(io.BytesIO(sample.data)).load()


def test_pages_have_two_or_three_lines_of_up_to_eight_digits():
    counts = {len(s.label.split(" ")) for s in synth.samples("page", 30, seed=4)}
    lengths = {len(line) for s in synth.samples("page", 30, seed=4) for line in s.label.split(" ")}
    assert counts == {2, 3} and min(lengths) == 1 and max(lengths) == 8


def test_touching_digits_really_touch():
    for sample in synth.samples("touching", 20, seed=5):
        ink = extract_ink(to_grey(decode(sample.data).image))
        assert len(ink.outlines) < len(sample.label), sample.label


def test_every_mark_can_be_drawn_between_digits():
    for mark in MARKS:
        glyphs: list[Glyph | MarkGlyph] = [
            Glyph(digit="1", form=0, x=10, y=10, height=100, brush=6),
            MarkGlyph(mark, x=60, y=10, height=100, brush=6),
            Glyph(digit="2", form=0, x=160, y=10, height=100, brush=6),
        ]
        coverage = draw(glyphs, (240, 140))
        mark_ink = draw(glyphs[1:2], (240, 140)) > 0.5
        assert mark_ink.any() and not mark_ink[:, :55].any() and not mark_ink[:, 155:].any(), mark
        assert (coverage > 0.5).sum() > mark_ink.sum()


def test_canvases_vary_in_polarity_transparency_size_and_place():
    modes, inks, boxes = set(), set(), []
    for sample in synth.samples("canvas", 60, seed=5):
        image = Image.open(io.BytesIO(sample.data))
        assert image.size == (synth.CANVAS_SIDE, synth.CANVAS_SIDE)
        modes.add(image.mode)
        pixels = np.asarray(image.convert("L"))
        if image.mode == "RGB":
            inks.add("dark" if np.median(pixels) > 127 else "light")
            rows, cols = np.nonzero(np.abs(pixels.astype(int) - int(np.median(pixels))) > 60)
            boxes.append((cols.min(), rows.min(), np.ptp(rows) + 1))
    assert modes == {"RGB", "RGBA"} and inks == {"dark", "light"}
    heights = [h for _, _, h in boxes]
    assert min(heights) < 90 and max(heights) > 200
    assert min(x for x, _, _ in boxes) < 40 and max(x for x, _, _ in boxes) > 120


def test_every_form_of_every_digit_can_be_drawn():
    for digit, forms in TEMPLATES.items():
        for form in range(len(forms)):
            glyph = Glyph(digit=digit, form=form, x=10, y=10, height=100, brush=5)
            coverage = draw([glyph], (120, 130))
            assert 0.02 < (coverage > 0.5).mean() < 0.3, (digit, form)


def test_a_line_can_be_made_to_measure():
    sample = synth.digit_line(np.random.default_rng(1), count=6, size=(1200, 300))
    assert len(sample.label) == 6
    assert Image.open(io.BytesIO(sample.data)).size == (1200, 300)
