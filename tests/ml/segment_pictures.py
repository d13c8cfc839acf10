"""Pictures for the segmentation tests, drawn with benchmarks.glyphs, and how their ink is measured."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from benchmarks.glyphs import Glyph, MarkGlyph, draw


def line(glyphs: Sequence[Glyph | MarkGlyph], size: tuple[int, int]) -> np.ndarray:
    """A grey picture, dark ink on white paper."""
    return 255 - np.round(draw(glyphs, size) * 255).astype(np.uint8)


def ink_box(glyph: Glyph, size: tuple[int, int]) -> tuple[int, int, int, int]:
    x, y, w, h = cv2.boundingRect((draw([glyph], size) > 0.5).astype(np.uint8))
    return x, y, w, h


def components(grey: np.ndarray) -> int:
    return cv2.connectedComponents((grey < 128).astype(np.uint8))[0] - 1


def row_of(
    digits: str, heights: list[float], forms: list[int] | None = None, brush: int = 10, gap: float = 30
) -> tuple[list[Glyph], tuple[int, int]]:
    glyphs, x = [], 20.0
    for i, (digit, height) in enumerate(zip(digits, heights, strict=True)):
        glyph = Glyph(
            digit=digit,
            form=forms[i] if forms else 0,
            x=x,
            y=260 - height,
            height=height,
            brush=brush,
            slant=0.2,
            seed=i,
        )
        glyphs.append(glyph)
        x += glyph.extent()[0] + gap
    return glyphs, (int(x) + 20, 300)


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, right - left) * max(0, bottom - top)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)
