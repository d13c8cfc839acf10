"""The synthetic pictures: deterministic, decodable, and as varied as promised."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from ml import synth


def test_the_same_seed_gives_the_same_pictures_and_another_seed_others():
    first = list(synth.samples("canvas", 5, seed=11))
    assert first == list(synth.samples("canvas", 5, seed=11))
    assert [s.data for s in first] != [s.data for s in synth.samples("canvas", 5, seed=12)]


@pytest.mark.parametrize("kind", synth.KINDS)
def test_samples_are_pictures_with_digit_labels(kind):
    for sample in synth.samples(kind, 6, seed=3):
        assert sample.kind == kind and sample.label.isdigit()
        assert len(sample.label) == 1 if kind != "line" else 2 <= len(sample.label) <= 8
        Image.open(io.BytesIO(sample.data)).load()


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
    for digit, forms in synth.TEMPLATES.items():
        for form in range(len(forms)):
            glyph = synth.Glyph(digit=digit, form=form, x=10, y=10, height=100, brush=5)
            coverage = synth.draw([glyph], (120, 130))
            assert 0.02 < (coverage > 0.5).mean() < 0.3, (digit, form)


def test_a_line_can_be_made_to_measure():
    sample = synth.digit_line(np.random.default_rng(1), count=6, size=(1200, 300))
    assert len(sample.label) == 6
    assert Image.open(io.BytesIO(sample.data)).size == (1200, 300)
