"""Real pictures for the tests: digits drawn by the stroke templates the benchmarks draw
with (benchmarks.pictures.digits_png), a blank canvas, and drawings the engine should
refuse as no digit (a star, a scribble, letters), drawn with OpenCV as a thick brush on
the drawing page's 280x280 canvas draws them."""

from __future__ import annotations

import io
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from benchmarks.glyphs import Glyph, draw
from benchmarks.pictures import digits_png

__all__ = ["NOT_DIGITS", "blank_png", "digits_png", "grouped_digits_png", "not_a_digit_png"]

SIDE = 280
BRUSH = 22  # the drawing page's default brush


def blank_png(size: int = SIDE) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), "white").save(out, format="PNG")
    return out.getvalue()


def _png(ink: np.ndarray) -> bytes:
    """A uint8 coverage map (255 = ink) as the canvas exports it: black on white."""
    out = io.BytesIO()
    Image.fromarray(255 - ink, "L").convert("RGB").save(out, format="PNG")
    return out.getvalue()


def _polyline(ink: np.ndarray, points, *, closed: bool = False, brush: int = BRUSH) -> None:
    cv2.polylines(ink, [np.round(np.asarray(points, float)).astype(np.int32)], closed, 255, brush, cv2.LINE_AA)


def _star(ink: np.ndarray) -> None:
    centre, outer, inner = np.array([140.0, 148.0]), 110.0, 44.0
    angles = -np.pi / 2 + np.arange(10) * np.pi / 5
    radii = np.where(np.arange(10) % 2 == 0, outer, inner)
    _polyline(ink, centre + np.stack([np.cos(angles), np.sin(angles)], axis=1) * radii[:, None], closed=True)


def _scribble(ink: np.ndarray) -> None:
    """A tangle of loops over the whole canvas, as a hand scribbles (a Lissajous curve, with a wobble)."""
    t = np.linspace(0, 2 * np.pi, 500)
    x = 140 + 105 * np.sin(3 * t + 0.4) + 8 * np.sin(17 * t)
    y = 140 + 100 * np.sin(4 * t) + 8 * np.cos(13 * t)
    _polyline(ink, np.stack([x, y], axis=1), brush=14)


def _letter_a(ink: np.ndarray) -> None:
    _polyline(ink, [(50, 245), (140, 35), (230, 245)])
    _polyline(ink, [(85, 165), (195, 165)])


def _letter_h(ink: np.ndarray) -> None:
    _polyline(ink, [(65, 40), (65, 240)])
    _polyline(ink, [(215, 40), (215, 240)])
    _polyline(ink, [(65, 140), (215, 140)])


NOT_DIGITS = {"star": _star, "scribble": _scribble, "A": _letter_a, "H": _letter_h}


def not_a_digit_png(name: str) -> bytes:
    """One of NOT_DIGITS drawn with thick strokes on a 280x280 canvas."""
    ink = np.zeros((SIDE, SIDE), np.uint8)
    NOT_DIGITS[name](ink)
    return _png(ink)


def grouped_digits_png(
    *groups: str, height: int = 200, brush: int = 18, gap: int = 40, margin: int = 40, dash: int = 70
) -> bytes:
    """Groups of digits with a dash between them, as "12-34" is written: the digits
    drawn by the engine's templates (as in digits_png), each dash a short
    horizontal stroke at mid-height with a gap on each side."""
    glyphs, dashes, x = [], [], float(margin)
    for g, group in enumerate(groups):
        if g:
            dashes.append((x, x + dash))
            x += dash + gap
        for digit in group:
            glyph = Glyph(digit=digit, form=0, x=0, y=0, height=height, brush=brush, slant=0.1)
            width, _ = glyph.extent()
            glyphs.append(replace(glyph, x=x, y=margin - brush / 2))
            x += width + gap
    size = (int(x - gap + margin), int(height + 2 * margin))
    ink = np.round(draw(glyphs, size) * 255).astype(np.uint8)
    middle = margin + height / 2
    for left, right in dashes:
        _polyline(ink, [(left + brush / 2, middle), (right - brush / 2, middle)], brush=brush)
    return _png(ink)
