"""Digits drawn the way people draw them: stroke templates, jittered, slanted and scaled.

A hand-made stroke template per digit (several common forms: 7 with or without
a crossbar, open and closed 4, 1 with or without a flag and base) is warped,
slanted, turned and stretched per glyph, then drawn anti-aliased. Marks that are
no digit (a dash, a colon, a slash, a comma) are drawn the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

Stroke = np.ndarray  # (n, 2) float points, x right, y down, digit height 1


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> Stroke:
    """Points on an ellipse from angle start to end in degrees (0 = right, 90 = down)."""
    t = np.deg2rad(np.linspace(start, end, max(8, int(abs(end - start) / 10))))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _poly(*points: tuple[float, float]) -> Stroke:
    return np.array(points, dtype=np.float64)


def _join(*parts: Stroke) -> Stroke:
    return np.concatenate(parts)


# Each digit: a list of forms, each form a list of strokes (a pen-up between
# strokes). Coordinates are in a box about 0.6 wide and 1 high.
TEMPLATES: dict[str, list[list[Stroke]]] = {
    "0": [
        [_arc(0.3, 0.5, 0.27, 0.5, -90, 280)],
        [_arc(0.3, 0.5, 0.3, 0.48, -80, -440)],
    ],
    "1": [
        [_poly((0.3, 0.0), (0.3, 1.0))],
        [_poly((0.16, 0.24), (0.32, 0.0), (0.32, 1.0))],
        [_poly((0.12, 0.2), (0.3, 0.0), (0.3, 1.0)), _poly((0.08, 1.0), (0.52, 1.0))],
    ],
    "2": [
        [_join(_arc(0.3, 0.28, 0.27, 0.28, 195, 395), _poly((0.03, 1.0), (0.62, 1.0)))],
        [_join(_arc(0.3, 0.3, 0.28, 0.3, 200, 370), _poly((0.5, 0.62), (0.05, 1.0), (0.6, 0.98)))],
    ],
    "3": [
        [_join(_arc(0.3, 0.25, 0.25, 0.25, 200, 450), _arc(0.3, 0.74, 0.3, 0.26, 270, 520))],
        [_join(_poly((0.05, 0.0), (0.55, 0.0), (0.22, 0.4)), _arc(0.3, 0.7, 0.28, 0.3, 260, 520))],
    ],
    "4": [
        [_poly((0.48, 1.0), (0.48, 0.0), (0.0, 0.66), (0.62, 0.66))],
        [_poly((0.12, 0.0), (0.04, 0.62), (0.62, 0.62)), _poly((0.46, 0.08), (0.46, 1.0))],
    ],
    "5": [
        [_join(_poly((0.58, 0.0), (0.12, 0.0), (0.08, 0.45)), _arc(0.3, 0.69, 0.28, 0.3, 215, 510))],
        [
            _join(_poly((0.12, 0.0), (0.08, 0.45)), _arc(0.3, 0.69, 0.28, 0.3, 215, 510)),
            _poly((0.2, 0.0), (0.6, -0.02)),
        ],
    ],
    "6": [
        [_join(_arc(0.62, 0.62, 0.58, 0.62, 235, 180), _arc(0.3, 0.73, 0.26, 0.27, 180, -180))],
        [_join(_poly((0.5, 0.0), (0.12, 0.5)), _arc(0.3, 0.73, 0.26, 0.27, 210, -150))],
    ],
    "7": [
        [_poly((0.02, 0.0), (0.6, 0.0), (0.2, 1.0))],
        [_poly((0.02, 0.0), (0.6, 0.0), (0.2, 1.0)), _poly((0.2, 0.52), (0.55, 0.5))],
        [_poly((0.02, 0.12), (0.04, 0.0), (0.6, 0.0), (0.28, 1.0))],
    ],
    "8": [
        [
            _join(
                _arc(0.3, 0.25, 0.22, 0.25, 0, -270),
                _arc(0.3, 0.74, 0.28, 0.26, -90, 270),
                _arc(0.3, 0.25, 0.22, 0.25, 90, 0),
            )
        ],
        [_arc(0.3, 0.25, 0.22, 0.25, 90, 450), _arc(0.3, 0.74, 0.28, 0.26, -90, 270)],
    ],
    "9": [
        [_join(_arc(0.3, 0.27, 0.26, 0.27, 0, -360), _poly((0.56, 0.27), (0.52, 1.0)))],
        [
            _join(
                _arc(0.28, 0.27, 0.26, 0.27, -10, -370),
                _poly((0.54, 0.3), (0.5, 0.85)),
                _arc(0.32, 0.85, 0.18, 0.15, 0, 150),
            )
        ],
    ],
}


@dataclass(frozen=True)
class Glyph:
    """One digit to draw: its form, its shape distortions and where it goes."""

    digit: str
    form: int  # index into TEMPLATES[digit]
    x: float  # left edge of the drawn ink, px
    y: float  # top edge of the drawn ink, px
    height: float  # of the template before slant and rotation, px
    brush: int  # stroke width, px
    slant: float = 0.0  # x shift per unit of height going up (handwriting leans right: > 0)
    rotation: float = 0.0  # degrees
    width: float = 1.0  # horizontal stretch
    wobble: float = 0.0  # amplitude of a smooth random warp, in units of the height
    seed: int = 0  # for the wobble

    def strokes(self) -> list[Stroke]:
        """The strokes in picture pixels."""
        warp = _smooth_warp(np.random.default_rng(self.seed), self.wobble)
        angle = np.deg2rad(self.rotation)
        rotate = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        out = []
        for stroke in TEMPLATES[self.digit][self.form]:
            points = warp(stroke) - (0.3, 0.5)
            points[:, 0] = points[:, 0] * self.width - self.slant * points[:, 1]
            points = points @ rotate.T
            out.append(points * self.height)
        left, top = np.concatenate(out).min(axis=0)
        return [s - (left, top) + (self.x + self.brush / 2, self.y + self.brush / 2) for s in out]

    def extent(self) -> tuple[float, float]:
        """Width and height of the drawn ink, px (the brush included)."""
        points = np.concatenate(self.strokes())
        return tuple(points.max(axis=0) - points.min(axis=0) + self.brush)


def _smooth_warp(rng: np.random.Generator, amplitude: float) -> Callable[[Stroke], Stroke]:
    """A random displacement that varies slowly over the glyph.

    A hand wanders smoothly; independent noise per point would draw a jagged
    line. One field for all strokes keeps the joins between strokes joined.
    """
    frequency = rng.uniform(0.5, 1.8, (2, 2, 2)) * np.pi  # (x/y output, 2 waves, x/y input)
    phase = rng.uniform(0, 2 * np.pi, (2, 2))
    weight = rng.uniform(0.5, 1.0, (2, 2)) * amplitude

    def warp(points: Stroke) -> Stroke:
        waves = np.sin(np.einsum("owi,ni->now", frequency, points) + phase)
        return points + (waves * weight).sum(axis=2)

    return warp


def draw(glyphs: Sequence[Glyph | MarkGlyph], size: tuple[int, int]) -> np.ndarray:
    """An anti-aliased (h, w) float32 coverage map (0..1) of the glyphs' strokes."""
    width, height = size
    canvas = np.zeros((height, width), np.uint8)
    for glyph in glyphs:
        for stroke in glyph.strokes():
            points = np.round(stroke * 16).astype(np.int32)  # 4 bits of sub-pixel precision
            cv2.polylines(canvas, [points], False, 255, glyph.brush, cv2.LINE_AA, shift=4)
    return canvas.astype(np.float32) / 255.0


def random_glyph(rng: np.random.Generator, digit: str, height: float, brush: int) -> Glyph:
    """A glyph with the variation of real handwriting (form, slant, tilt, width, wobble), at (0, 0)."""
    return Glyph(
        digit=digit,
        form=int(rng.integers(len(TEMPLATES[digit]))),
        x=0.0,
        y=0.0,
        height=height,
        brush=brush,
        slant=float(rng.uniform(-0.1, 0.35)),
        rotation=float(rng.uniform(-8, 8)),
        width=float(rng.uniform(0.8, 1.25)),
        wobble=float(rng.uniform(0.0, 0.06)),
        seed=int(rng.integers(2**31)),
    )


@dataclass(frozen=True)
class MarkGlyph:
    """A mark that is no digit ("-", ":", "/", ","), drawn like a Glyph (draw() takes both)."""

    mark: str
    x: float  # left edge of the drawn ink, px
    y: float  # top of the digits it sits between, px
    height: float  # of those digits, px
    brush: int
    size: float = 1.0  # scale of the mark

    def strokes(self) -> list[Stroke]:
        h, r = self.height, self.brush / 2
        if self.mark == "-":
            length = 0.3 * h * self.size
            strokes = [_poly((0, 0.5 * h), (length, 0.48 * h))]
        elif self.mark == ":":
            dot = max(1.0, 0.04 * h * self.size)
            strokes = [_poly((0, 0.3 * h), (dot, 0.3 * h + dot)), _poly((0, 0.75 * h), (dot, 0.75 * h + dot))]
        elif self.mark == "/":
            # leaning about 40 degrees, as the iPad writer's slashes do (25-54, median 39):
            # steeper, a slash is a 1 to a person too
            strokes = [_poly((0, h), (0.8 * h * self.size, 0.05 * h))]
        elif self.mark == ",":
            strokes = [_poly((0.06 * h, 0.9 * h), (0.07 * h, 1.0 * h), (0, 1.15 * h))]
        else:
            raise ValueError(f"no such mark: {self.mark!r}")
        left = min(float(s[:, 0].min()) for s in strokes)
        return [s - (left, 0) + (self.x + r, self.y) for s in strokes]

    def extent(self) -> tuple[float, float]:
        points = np.concatenate(self.strokes())
        return tuple(points.max(axis=0) - points.min(axis=0) + self.brush)


MARKS = "-:/,"
