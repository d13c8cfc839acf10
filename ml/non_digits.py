"""Synthetic non-digits: letters and symbols in stroke fonts, drawn shapes, scribbles and noise.

The iPad writer's symbols are the only real handwriting here that is no digit;
these add OpenCV's Hershey stroke fonts (script faces included) and drawn
shapes, scribbles, dots, lines and noise, distorted as a hand would, so that the
model learns its eleventh class from more than one writer. Anything a person
would call a digit (O, o, l, I, S, Z, B, g, q and the like) is kept out. Fonts
and shape seeds are held out by split, as writers are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import cv2
import numpy as np

from ml.render import BRUSH, CANVAS, Strokes, draw_strokes

# Letters and symbols that are no digit; left out: what a person would read as one.
NOT_DIGITS = "ACDEFGHJKLMNPQRTUVWXYacdefhjkmnprtuvwxy#+*&%@$?!=<>~^()[]{}\\/-_:;,.'\""
FONTS = {  # OpenCV's Hershey stroke fonts, held out by face
    "train": (
        cv2.FONT_HERSHEY_SIMPLEX,
        cv2.FONT_HERSHEY_DUPLEX,
        cv2.FONT_HERSHEY_COMPLEX,
        cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
        cv2.FONT_HERSHEY_SIMPLEX | cv2.FONT_ITALIC,
    ),
    "calibration": (cv2.FONT_HERSHEY_TRIPLEX, cv2.FONT_HERSHEY_DUPLEX | cv2.FONT_ITALIC),
    "test": (cv2.FONT_HERSHEY_PLAIN, cv2.FONT_HERSHEY_SCRIPT_COMPLEX, cv2.FONT_HERSHEY_COMPLEX | cv2.FONT_ITALIC),
}
SHAPE_SEEDS = {"train": 11, "calibration": 12, "test": 13}


def _font_picture(char: str, font: int, rng: np.random.Generator) -> np.ndarray:
    """A character as ink on a canvas: stroke width, size and place at random, then warped."""
    canvas = np.zeros((CANVAS, CANVAS), np.uint8)
    scale = rng.uniform(4.0, 8.0) if font != cv2.FONT_HERSHEY_PLAIN else rng.uniform(8, 14)
    thickness = int(rng.integers(BRUSH[0], 30))
    (w, h), base = cv2.getTextSize(char, font, scale, thickness)
    if w >= CANVAS - 10 or h + base >= CANVAS - 10:
        factor = 0.8 * (CANVAS - 10) / max(w, h + base)
        scale, thickness = scale * factor, max(4, int(thickness * factor))
        (w, h), base = cv2.getTextSize(char, font, scale, thickness)
    x = int(rng.integers(0, max(1, CANVAS - w)))
    y = int(rng.integers(h, max(h + 1, CANVAS - base)))
    cv2.putText(canvas, char, (x, y), font, scale, 255, thickness, cv2.LINE_AA)
    return _warp(canvas, rng, strength=1.0)


def _warp(canvas: np.ndarray, rng: np.random.Generator, strength: float) -> np.ndarray:
    """A strong affine distortion plus a smooth elastic one: handwriting is never a font."""
    centre = (CANVAS / 2, CANVAS / 2)
    matrix = cv2.getRotationMatrix2D(centre, rng.uniform(-25, 25) * strength, rng.uniform(0.8, 1.1))
    matrix[0, 1] += rng.uniform(-0.4, 0.4) * strength
    canvas = cv2.warpAffine(canvas, matrix, (CANVAS, CANVAS))
    field = [
        cv2.GaussianBlur(rng.uniform(-1, 1, (CANVAS, CANVAS)).astype(np.float32), (0, 0), 25) * 400 * strength
        for _ in range(2)
    ]
    grid_x, grid_y = np.meshgrid(np.arange(CANVAS, dtype=np.float32), np.arange(CANVAS, dtype=np.float32))
    return cv2.remap(canvas, grid_x + field[0], grid_y + field[1], cv2.INTER_LINEAR)


def _polyline(points: np.ndarray) -> Strokes:
    return [np.asarray(points, np.float32)]


_ROUND = np.linspace(0, 2 * np.pi, 60)  # a closed curve's parameter


def _star(rng: np.random.Generator) -> Strokes:
    k = rng.choice([5, 6])
    angles = np.arange(2 * k + 1) * np.pi / k - np.pi / 2
    radii = np.where(np.arange(2 * k + 1) % 2 == 0, 1.0, rng.uniform(0.35, 0.5))
    return _polyline(np.c_[radii * np.cos(angles), radii * np.sin(angles)])


def _heart(rng: np.random.Generator) -> Strokes:
    t = _ROUND
    return _polyline(
        np.c_[16 * np.sin(t) ** 3, -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))]
    )


def _polygon(sides: int) -> Callable[[np.random.Generator], Strokes]:
    def polygon(rng: np.random.Generator) -> Strokes:
        angles = np.arange(sides + 1) * 2 * np.pi / sides + rng.uniform(0, np.pi)
        return _polyline(np.c_[np.cos(angles), np.sin(angles)])

    return polygon


def _smiley(rng: np.random.Generator) -> Strokes:
    mouth = np.linspace(0.2 * np.pi, 0.8 * np.pi, 20)
    return [
        np.c_[np.cos(_ROUND), np.sin(_ROUND)],
        np.array([[-0.35, -0.3]]),
        np.array([[0.35, -0.3]]),
        np.c_[0.55 * np.cos(mouth), 0.55 * np.sin(mouth)],
    ]


def _scribble(rng: np.random.Generator) -> Strokes:
    steps = rng.normal(0, 1, (int(rng.integers(30, 90)), 2)).cumsum(axis=0)
    return _polyline(cv2.GaussianBlur(steps.astype(np.float32), (1, 5), 0))


def _zigzag(rng: np.random.Generator) -> Strokes:
    n = int(rng.integers(4, 9))
    return _polyline(np.c_[np.arange(n), np.where(np.arange(n) % 2, 1.0, 0.0) * rng.uniform(0.5, 2)])


def _spiral(rng: np.random.Generator) -> Strokes:
    s = np.linspace(0, rng.uniform(3, 6) * np.pi, 120)
    return _polyline(np.c_[s * np.cos(s), s * np.sin(s)])


def _dot(rng: np.random.Generator) -> Strokes:
    return [np.array([[0.0, 0.0]])]


def _dots(rng: np.random.Generator) -> Strokes:
    return [np.array([p]) for p in rng.uniform(-1, 1, (int(rng.integers(2, 6)), 2))]


def _dash(rng: np.random.Generator) -> Strokes:
    return _polyline(np.array([[0, 0], [1, rng.uniform(-0.15, 0.15)]]))


def _slash(rng: np.random.Generator) -> Strokes:
    angle = rng.uniform(35, 70) * rng.choice([-1, 1])  # steeper than a slanted 1 would be
    return _polyline(np.array([[0, 0], [np.sin(np.radians(angle)), -np.cos(np.radians(angle))]]))


def _cross(rng: np.random.Generator) -> Strokes:
    return [np.array([[-1, 0], [1, 0]], np.float32), np.array([[0, -1], [0, 1]], np.float32)]


def _hash(rng: np.random.Generator) -> Strokes:
    return [
        np.array(s, np.float32)
        for s in ([[-1, -0.4], [1, -0.4]], [[-1, 0.4], [1, 0.4]], [[-0.4, -1], [-0.4, 1]], [[0.4, -1], [0.4, 1]])
    ]


def _arrow(rng: np.random.Generator) -> Strokes:
    return [np.array([[-1, 0], [1, 0]], np.float32), np.array([[0.5, -0.5], [1, 0], [0.5, 0.5]], np.float32)]


def _check(rng: np.random.Generator) -> Strokes:
    return _polyline(np.array([[-1, 0], [-0.4, 0.7], [1, -1]]))


def _wave(rng: np.random.Generator) -> Strokes:
    s = np.linspace(0, rng.uniform(2, 5) * np.pi, 80)
    return _polyline(np.c_[s, np.sin(s) * rng.uniform(0.5, 2)])


def _arc(rng: np.random.Generator) -> Strokes:
    """Part of a circle, never most of one."""
    start = rng.uniform(0, 2 * np.pi)
    s = np.linspace(start, start + rng.uniform(0.4, 1.1) * np.pi, 30)
    return _polyline(np.c_[np.cos(s), np.sin(s)])


# Drawn non-digits: shapes, scribbles, dots, lines, partial strokes; each maker draws its
# own random choices, in the same order, from the generator it is given.
SHAPES: dict[str, Callable[[np.random.Generator], Strokes]] = {
    "star": _star,
    "heart": _heart,
    "triangle": _polygon(3),
    "square": _polygon(4),
    "smiley": _smiley,
    "scribble": _scribble,
    "zigzag": _zigzag,
    "spiral": _spiral,
    "dot": _dot,
    "dots": _dots,
    "dash": _dash,
    "slash": _slash,
    "cross": _cross,
    "hash": _hash,
    "arrow": _arrow,
    "check": _check,
    "wave": _wave,
    "arc": _arc,
}


def _shape(rng: np.random.Generator) -> Strokes:
    """One drawn non-digit, of a kind chosen at random."""
    return SHAPES[rng.choice(list(SHAPES))](rng)


def _noise(rng: np.random.Generator) -> np.ndarray:
    """Random blotches: what a wiped screen or a dirty lens leaves."""
    field = cv2.GaussianBlur(rng.uniform(0, 1, (CANVAS, CANVAS)).astype(np.float32), (0, 0), rng.uniform(3, 12))
    field = (field - field.min()) / max(float(np.ptp(field)), 1e-6)
    return np.where(field > rng.uniform(0.6, 0.8), 255, 0).astype(np.uint8)


def synthetic_non_digits(split: str, count: int) -> Iterator[tuple[np.ndarray, str]]:
    """Canvas pictures (ink bright) of letters, symbols and shapes, and the source each is measured under."""
    rng = np.random.default_rng(SHAPE_SEEDS[split])
    fonts = FONTS[split]
    for i in range(count):
        kind = i % 10
        if kind < 5:
            yield (
                _font_picture(
                    NOT_DIGITS[int(rng.integers(len(NOT_DIGITS)))], fonts[int(rng.integers(len(fonts)))], rng
                ),
                "letters and symbols",
            )
        elif kind < 9:
            yield _warp(draw_strokes(_shape(rng), rng), rng, strength=0.4), "shapes and scribbles"
        else:
            yield _noise(rng), "shapes and scribbles"
