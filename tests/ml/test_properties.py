"""Property-based tests: whatever arrives, the engine reads digits or refuses with one of ml.errors.

Anything else (an IndexError, a cv2.error, a ZeroDivisionError) would reach
the site as a 500. Hypothesis makes the inputs: random bytes, bytes that start
like a PNG, JPEG, GIF, BMP or WebP, real pictures of random strokes in every
accepted format (whole, cut short, or with bytes flipped), and random grey
arrays and ink masks. Pixels come from a seeded generator, so a failing case
shrinks to a small seed and a small size rather than a huge array.

Kept short for CI: a modest number of examples each, no deadline (the first
call of the model is slower than the rest), no example database in the tree.
"""

from __future__ import annotations

import dataclasses
import io

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from PIL import Image

from benchmarks import glyphs
from ml import segment
from ml.decode import decode
from ml.errors import ImageError, NoDigitFound
from ml.ink import Ink, extract_ink
from ml.mnist_form import to_mnist
from ml.model import get_model
from ml.pipeline import read
from ml.reading import Reading, digit_reading

FAST = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MAGIC = [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"GIF87a", b"BM", b"RIFF\x00\x00\x00\x00WEBPVP8 "]
FORMATS = ["PNG", "JPEG", "GIF", "BMP", "WEBP"]


# --- what arrives ------------------------------------------------------------------------------


@st.composite
def grey_arrays(draw, max_side: int = 160) -> np.ndarray:
    """A grey picture: paper of any shade, strokes and handwritten digits of any shade and width, maybe noise."""
    height = draw(st.integers(1, max_side))
    width = draw(st.integers(1, max_side))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    grey = np.full((height, width), draw(st.integers(0, 255)), np.uint8)
    for _ in range(draw(st.integers(0, 6))):
        start = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        end = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.line(grey, start, end, int(rng.integers(0, 256)), int(rng.integers(1, max(2, min(height, width) // 3 + 1))))
    if draw(st.booleans()):  # handwritten digits, in lines that may touch, overlap or leave the picture
        height_px = draw(st.integers(8, max(8, height)))
        for row in range(draw(st.integers(1, 2))):
            x = float(rng.integers(-5, max(1, width // 3)))
            for digit in draw(st.text("0123456789", min_size=1, max_size=5)):
                glyph = glyphs.random_glyph(rng, digit, height_px * 0.8, int(rng.integers(1, max(2, height_px // 6))))
                glyph = dataclasses.replace(glyph, x=x, y=float(row * height_px + rng.integers(-3, 4)))
                x += glyph.extent()[0] + float(rng.integers(-glyph.brush * 2, height_px // 2 + 1))
                ink = glyphs.draw([glyph], (width, height)) > 0.5
                grey[ink] = int(rng.integers(0, 256))
    noise = draw(st.sampled_from([0, 0, 5, 40, 255]))
    if noise:
        grey = np.clip(grey.astype(np.int16) + rng.integers(-noise, noise + 1, grey.shape), 0, 255).astype(np.uint8)
    return grey


@st.composite
def pictures(draw) -> bytes:
    """A real picture file of random strokes, in an accepted format and mode."""
    grey = draw(grey_arrays())
    mode = draw(st.sampled_from(["L", "RGB", "RGBA", "LA", "P", "1", "I;16"]))
    fmt = draw(st.sampled_from(FORMATS))
    image = Image.fromarray(grey)
    if mode == "I;16":
        image = Image.fromarray(grey.astype(np.uint16) * 257)
    elif mode != "L":
        image = image.convert(mode)
    if fmt in ("JPEG", "BMP", "GIF", "WEBP") and image.mode not in ("L", "RGB", "P", "1", "RGBA"):
        image = image.convert("RGB")
    if fmt == "JPEG" and image.mode in ("RGBA", "P"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@st.composite
def damaged(draw) -> bytes:
    """A real picture cut short, or with a run of its bytes replaced."""
    data = bytearray(draw(pictures()))
    at = draw(st.integers(0, len(data) - 1))
    if draw(st.booleans()):
        return bytes(data[:at])
    patch = draw(st.binary(min_size=1, max_size=16))
    data[at : at + len(patch)] = patch
    return bytes(data)


any_bytes = st.one_of(
    st.binary(max_size=512),
    st.builds(lambda magic, rest: magic + rest, st.sampled_from(MAGIC), st.binary(max_size=512)),
    damaged(),
)


@st.composite
def masks(draw) -> np.ndarray:
    """An ink mask with at least one ink pixel (to_mnist's precondition)."""
    height = draw(st.integers(1, 120))
    width = draw(st.integers(1, 120))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    mask = (rng.random((height, width)) < draw(st.floats(0.0, 1.0))).astype(np.uint8)
    mask[rng.integers(0, height), rng.integers(0, width)] = 1
    return mask


@pytest.fixture(scope="module")
def model():
    return get_model()


def inks(grey: np.ndarray) -> Ink | None:
    """The picture's ink, or None when extract_ink says, as documented, that there is none."""
    try:
        return extract_ink(grey)
    except NoDigitFound:
        return None


def inside(box: tuple[int, int, int, int], size: tuple[int, int]) -> bool:
    x, y, w, h = box
    width, height = size
    return 0 <= x and 0 <= y and w > 0 and h > 0 and x + w <= width and y + h <= height


# --- the properties ----------------------------------------------------------------------------


@FAST
@given(any_bytes)
def test_decoding_any_bytes_gives_a_picture_or_an_image_error(data):
    try:
        image = decode(data)
    except ImageError as refused:
        assert str(refused)  # a sentence for the person who sent it
        return
    assert image.width > 0 and image.height > 0


@FAST
@given(pictures())
def test_every_picture_made_in_an_accepted_format_decodes_at_its_size(data):
    image = decode(data)

    reopened = Image.open(io.BytesIO(data))
    assert image.size == reopened.size


@FAST
@given(grey_arrays(max_side=300))
def test_ink_is_found_or_there_is_none(grey):
    ink = inks(grey)
    if ink is None:
        return
    assert ink.mask.shape == ink.image.shape
    assert set(np.unique(ink.mask)) <= {0, 1} and ink.mask.any()
    assert ink.original_size == (grey.shape[1], grey.shape[0])
    assert max(ink.mask.shape) <= 1000


@FAST
@given(masks())
def test_any_ink_mask_becomes_an_mnist_picture(mask):
    seen = to_mnist(mask)

    assert seen.shape == (28, 28) and seen.dtype == np.float32
    assert np.isfinite(seen).all() and seen.min() >= 0 and seen.max() <= 1
    assert seen.max() > 0


@FAST
@given(grey_arrays())
def test_segments_hold_ink_and_lie_inside_the_picture(model, grey):
    ink = inks(grey)
    if ink is None:
        return

    def sureness(parts: list[np.ndarray]) -> np.ndarray:  # as the pipeline scores parts: the real model
        return model.predict(np.stack([to_mnist(m) for m in parts]))[:, :10].max(axis=1)

    one = segment.whole(ink)
    assert inside(one.box, ink.original_size) and one.mask.any()
    for score in (None, sureness):
        for line in segment.lines(ink, score):
            for part in line:
                assert inside(part.box, ink.original_size) and part.mask.any()


@settings(FAST, max_examples=80)
@given(
    st.one_of(pictures(), pictures(), pictures(), any_bytes),
    st.sampled_from([(False, False), (False, True), (True, False)]),
    st.booleans(),
)
def test_reading_anything_gives_digits_or_a_documented_refusal(model, data, mode, force):
    multi, auto = mode
    try:
        reading = read(data, multi=multi, auto=auto, force=force, model=model)
    except ImageError as refused:
        event(type(refused).__name__)  # --hypothesis-show-statistics tells how often each answer came
        assert str(refused)
        return
    event("read")
    assert isinstance(reading, Reading) and reading.digits
    for digit in reading.digits:
        assert 0 <= digit.digit <= 9
        assert abs(sum(digit.probabilities) - 1) < 1e-4
        assert inside(digit.box, (reading.width, reading.height))
    assert reading.number.replace(" ", "").isdigit()


def test_a_picture_one_pixel_wide_and_four_tall(model):
    """Found by the properties above: cv2.subtract took such a picture for a scalar (a 500 on the site)."""
    out = io.BytesIO()
    Image.fromarray(np.zeros((4, 1), np.uint8)).save(out, format="PNG")

    with pytest.raises(ImageError):
        read(out.getvalue(), multi=False, model=model)


@FAST
@given(
    st.lists(st.floats(0, 1, width=32), min_size=10, max_size=10),
    st.floats(0, 1, width=32),
)
def test_the_ten_digit_probabilities_sum_to_one_however_sure_it_is_of_no_digit(digits, not_digit):
    output = np.array([*digits, not_digit], np.float32)
    if output.sum() == 0:
        return
    reading = digit_reading(output, (0, 0, 1, 1), uncertain_below=0.9)
    assert abs(sum(reading.probabilities) - 1) < 1e-9
    assert 0 <= reading.confidence <= 1 - reading.not_digit + 1e-12
    assert reading.digit == int(np.argmax(output[:10]))


def test_a_mark_all_but_certainly_no_digit():
    """Found by the properties above: with "not a digit" within rounding of 1, the ten summed to 1.19."""
    output = np.array([1e-17] * 9 + [2e-16, 1.0], np.float32)  # the ten: within rounding of 1 - 1
    reading = digit_reading(output, (0, 0, 1, 1), uncertain_below=0.9)
    assert abs(sum(reading.probabilities) - 1) < 1e-9 and reading.digit == 9 and reading.uncertain
