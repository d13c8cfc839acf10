"""Decoding and MNIST normalisation: every kind of picture ends up as the same 28x28 digit."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from benchmarks.glyphs import Glyph, draw
from benchmarks.pictures import paper_picture
from ml import segment
from ml.decode import decode, flatten, grey_of, is_opaque, to_grey
from ml.errors import ImageError, ImageTooLarge, NoDigitFound, UnreadableImage
from ml.ink import Ink, extract_ink
from ml.mnist_form import MNIST_CENTRE, stroke_width, to_mnist

SIDE = 280
THREE = Glyph(digit="3", form=0, x=70, y=40, height=190, brush=14, slant=0.15, seed=1)


def encode(image: Image.Image, fmt: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def ink_of(glyph: Glyph, size: tuple[int, int] = (SIDE, SIDE)) -> np.ndarray:
    """uint8 coverage, 255 = ink."""
    return np.round(draw([glyph], size) * 255).astype(np.uint8)


def on_white(glyph: Glyph, size: tuple[int, int] = (SIDE, SIDE)) -> Image.Image:
    return Image.fromarray(255 - ink_of(glyph, size))


def ink_of_upload(data: bytes) -> Ink:
    """The ink of an upload, found as ml.pipeline.read finds it."""
    picture = decode(data)
    return extract_ink(to_grey(picture.image), scale=picture.scale, size=picture.size)


def normalised(data: bytes) -> np.ndarray:
    return to_mnist(segment.whole(ink_of_upload(data)).mask)


def difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    return normalised(encode(on_white(THREE)))


# MNIST form -------------------------------------------------------------------------


def test_the_normalised_digit_has_mnist_geometry(reference):
    assert reference.shape == (28, 28) and reference.dtype == np.float32
    assert 0.0 <= reference.min() and reference.max() <= 1.0 and reference.max() > 0.9
    rows, cols = np.nonzero(reference > 0.05)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 in (20, 21)  # the 20 px box, plus anti-aliasing
    total = reference.sum()
    centre = (np.arange(28) @ reference.sum(axis=1) / total, np.arange(28) @ reference.sum(axis=0) / total)
    assert np.allclose(centre, MNIST_CENTRE, atol=0.5)


@pytest.mark.parametrize(
    "variant",
    [
        replace(THREE, x=5, y=150, height=120, brush=9),  # smaller, in a corner
        replace(THREE, x=100, y=100, height=60, brush=4),  # tiny
        replace(THREE, brush=3),  # a fine pen
        replace(THREE, brush=38),  # a marker
    ],
)
def test_the_same_digit_normalises_alike_whatever_its_place_size_and_stroke(reference, variant):
    assert difference(normalised(encode(on_white(variant))), reference) < 0.07


def test_polarity_does_not_matter(reference):
    white_on_black = Image.fromarray(ink_of(THREE))
    assert difference(normalised(encode(white_on_black)), reference) < 0.01


def test_a_different_digit_does_not_normalise_alike(reference):
    seven = replace(THREE, digit="7", form=0)
    assert difference(normalised(encode(on_white(seven))), reference) > 0.12


def test_stroke_width_is_what_was_drawn():
    for brush in (5, 9, 15):
        mask = (ink_of(replace(THREE, brush=brush)) > 127).astype(np.uint8)
        assert stroke_width(mask) == pytest.approx(brush, rel=0.2)


def test_a_large_photo_gives_boxes_in_its_own_pixels():
    glyph = Glyph(digit="4", form=0, x=1800, y=700, height=1200, brush=60)
    size = (4000, 3000)
    ink = ink_of_upload(encode(on_white(glyph, size), "JPEG", quality=90))
    assert ink.scale == pytest.approx(4.0)
    x, y, w, h = segment.whole(ink).box
    ys, xs = np.nonzero(ink_of(glyph, size) > 127)
    expected = (xs.min(), ys.min(), np.ptp(xs) + 1, np.ptp(ys) + 1)
    assert np.allclose((x, y, w, h), expected, atol=8)


def test_uneven_light_on_paper_is_not_ink(reference):
    coverage = draw([THREE], (SIDE, SIDE))
    rng = np.random.default_rng(3)
    photo = paper_picture(coverage, rng)  # gradient, vignette, noise, blur, JPEG
    assert difference(normalised(photo), reference) < 0.08
    ink = ink_of_upload(photo)
    paper, strokes = ink.image[ink.mask == 0], ink.image[ink.mask == 1]
    assert np.percentile(paper, 99) < 40 < np.median(strokes)  # dark ink came out bright, the light flat
    drawn = coverage > 0.5
    assert (ink.mask.astype(bool) & drawn).sum() / (ink.mask.astype(bool) | drawn).sum() > 0.6


# Decoding ---------------------------------------------------------------------------


def rgba_strokes(colour: int) -> Image.Image:
    alpha = ink_of(THREE)
    pixels = np.dstack([np.full((SIDE, SIDE, 3), colour, np.uint8), alpha])
    return Image.fromarray(pixels, "RGBA")


@pytest.mark.parametrize("colour", [0, 255])
def test_strokes_on_a_transparent_canvas_are_ink_whatever_their_colour(reference, colour):
    data = encode(rgba_strokes(colour))
    assert difference(normalised(data), reference) < 0.01


def test_grey_with_alpha_and_palette_transparency(reference):
    la = rgba_strokes(0).convert("LA")
    assert difference(normalised(encode(la)), reference) < 0.01
    gif = encode(rgba_strokes(255), "GIF", transparency=0)  # palette with a transparent index
    assert difference(normalised(gif), reference) < 0.03


def test_exif_orientation_is_applied(reference):
    upright = on_white(THREE).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera's pixels are a quarter turn off; display turns them clockwise
    data = encode(upright.transpose(Image.Transpose.ROTATE_90), "JPEG", quality=95, exif=exif)
    assert decode(data).size == upright.size
    assert difference(normalised(data), reference) < 0.02


def opaque_colours() -> np.ndarray:
    return np.random.default_rng(3).integers(0, 256, (40, 50, 3), dtype=np.uint8)


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_an_opaque_picture_goes_straight_to_the_same_grey(mode):
    image = decode(encode(Image.fromarray(opaque_colours()).convert(mode))).image
    assert is_opaque(image)
    flattened = grey_of(flatten(image)).astype(int)
    assert np.abs(to_grey(image).astype(int) - flattened).max() <= 1  # Pillow's and OpenCV's rounding


def test_one_transparent_pixel_or_a_transparent_colour_is_not_opaque():
    rgba = np.dstack([opaque_colours(), np.full((40, 50), 255, np.uint8)])
    rgba[7, 9, 3] = 254
    assert not is_opaque(decode(encode(Image.fromarray(rgba, "RGBA"))).image)
    keyed = Image.fromarray(opaque_colours())
    assert not is_opaque(decode(encode(keyed, transparency=tuple(int(v) for v in opaque_colours()[0, 0]))).image)
    assert not is_opaque(decode(encode(keyed.convert("P"))).image)  # palettes go the long way


@pytest.mark.parametrize(
    "fmt,mode",
    [
        ("PNG", "P"),
        ("PNG", "1"),
        ("PNG", "RGBA"),
        ("WEBP", "RGBA"),
        ("GIF", "L"),
        ("WEBP", "RGB"),
        ("BMP", "RGB"),
        ("JPEG", "CMYK"),
        ("JPEG", "L"),
    ],
)
def test_formats_and_modes_decode_to_the_same_digit(reference, fmt, mode):
    image = on_white(THREE).convert(mode, dither=Image.Dither.NONE)
    assert difference(normalised(encode(image, fmt)), reference) < 0.03


def test_a_phone_mpo_is_read_as_its_first_picture(reference):
    first = on_white(THREE).convert("RGB")
    second = on_white(replace(THREE, digit="7")).convert("RGB")
    data = encode(first, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    assert difference(normalised(data), reference) < 0.03


def test_sixteen_bit_greys_are_scaled_not_clipped():
    grey = 255 - ink_of(THREE)
    sixteen = Image.fromarray(grey.astype(np.uint16) * 257)
    assert sixteen.mode.startswith("I;16")
    decoded = to_grey(decode(encode(sixteen)).image)
    assert np.abs(decoded.astype(int) - grey).max() <= 1


def test_only_the_first_frame_of_an_animation_is_read(reference):
    first = on_white(THREE).convert("P")
    second = on_white(replace(THREE, digit="7")).convert("P")
    data = encode(first, "GIF", save_all=True, append_images=[second], duration=100)
    assert difference(normalised(data), reference) < 0.03


# Refusals ---------------------------------------------------------------------------


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims huge dimensions: a decompression bomb's header."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def blank(colour: tuple[int, ...], mode: str) -> bytes:
    return encode(Image.new(mode, (SIDE, SIDE), colour))


@pytest.mark.parametrize(
    "data,error",
    [
        (b"", UnreadableImage),
        (b"hello, this is text", UnreadableImage),
        (b"%PDF-1.4\n" + b"0" * 100, UnreadableImage),
        (encode(on_white(THREE))[:600], UnreadableImage),  # truncated
        (encode(on_white(THREE).convert("RGB"), "TIFF"), UnreadableImage),  # a format we do not take
        (png_header_only(8000, 6000), ImageTooLarge),  # 48 megapixels
        (png_header_only(30000, 30000), ImageTooLarge),  # beyond Pillow's own bomb limit
        (blank((255,), "L"), NoDigitFound),
        (blank((0,), "L"), NoDigitFound),
        (blank((120, 40, 200), "RGB"), NoDigitFound),
        (blank((0, 0, 0, 0), "RGBA"), NoDigitFound),
        (blank((255, 255, 255, 0), "RGBA"), NoDigitFound),
        (paper_picture(np.zeros((600, 800), np.float32), np.random.default_rng(1)), NoDigitFound),
        (paper_picture(np.zeros((1200, 1600), np.float32), np.random.default_rng(2)), NoDigitFound),
    ],
    ids=[
        "empty",
        "text",
        "pdf",
        "truncated",
        "tiff",
        "48MP",
        "900MP",
        "white",
        "black",
        "colour",
        "transparent-black",
        "transparent-white",
        "blank-paper",
        "blank-paper-large",
    ],
)
def test_bad_pictures_raise_a_clear_error(data, error):
    with pytest.raises(error) as caught:
        ink_of_upload(data)
    message = str(caught.value)
    assert isinstance(caught.value, ImageError) and isinstance(caught.value, ValueError)
    assert message[0].isupper() and message.endswith(".") and "Error" not in message


def test_a_single_speck_is_not_a_digit():
    grey = np.full((SIDE, SIDE), 255, np.uint8)
    grey[100:103, 100:103] = 0
    with pytest.raises(NoDigitFound):
        extract_ink(grey)
