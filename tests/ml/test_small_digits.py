"""A digit already at MNIST's size is given to the model with its own grey levels."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from benchmarks.glyphs import Glyph, draw
from ml import segment
from ml.decode import decode, to_grey
from ml.ink import extract_ink
from ml.mnist_form import SMALL_DIGIT, to_mnist
from ml.pipeline import model_inputs, read

THREE = Glyph(digit="3", form=0, x=70, y=40, height=190, brush=14, slant=0.15, seed=1)


def _png(pixels: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="PNG")
    return out.getvalue()


def _mnist_like() -> np.ndarray:
    """A 3 in MNIST's own form (20 px box, centred by mass, anti-aliased), uint8 white on black."""
    drawn = np.round(draw([THREE], (280, 280)) * 255).astype(np.uint8)
    ink = extract_ink(drawn)
    return np.round(to_mnist(segment.whole(ink).mask) * 255).astype(np.uint8)


def test_an_mnist_form_picture_reaches_the_model_as_it_was_sent():
    sent = _mnist_like()
    reading = read(_png(sent), multi=False)
    seen = reading.digits[0].seen
    assert seen is not None
    # Its grey levels kept, not thresholded and re-drawn: within rounding of what was sent.
    assert np.abs(seen - sent / 255.0).max() <= 1.5 / 255
    assert reading.digit == 3


def test_a_small_digit_on_paper_keeps_its_grey_edges_whatever_the_polarity():
    sent = _mnist_like()
    for pixels in (sent, 255 - sent):
        inputs = model_inputs(_png(pixels), multi=False)
        assert np.abs(inputs[0].astype(int) - sent.astype(int)).max() <= 1


def test_a_digit_larger_than_mnist_is_read_from_its_mask():
    drawn = np.round(draw([THREE], (280, 280)) * 255).astype(np.uint8)
    picture = decode(_png(255 - drawn))
    whole = segment.whole(extract_ink(to_grey(picture.image)))
    assert max(whole.mask.shape) > SMALL_DIGIT
    assert whole.grey is None
    small = segment.whole(extract_ink(_mnist_like()))
    assert small.grey is not None and small.grey.shape == small.mask.shape
