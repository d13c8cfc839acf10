"""Pen strokes and scans as the site would receive them, then in the model's own form.

Pen trajectories are drawn as the page's canvas draws them (round caps, the
page's brush widths, any size and place) and small scans are enlarged with a
margin; either is then put through the pipeline's own ink extraction and MNIST
form, so that training and measuring images are made the way readings are.
"""

from __future__ import annotations

import cv2
import numpy as np

from ml import segment
from ml.errors import NoDigitFound
from ml.ink import extract_ink
from ml.mnist_form import to_mnist

CANVAS = 280  # the drawing page's canvas side
BRUSH = (6, 48)  # the page's brush range, px

Strokes = list[np.ndarray]  # each (n, 2) float x, y (y down)


def draw_strokes(strokes: Strokes, rng: np.random.Generator, side: int = CANVAS) -> np.ndarray:
    """Pen strokes drawn as the page's canvas draws them, ink bright on black.

    The drawing is fitted into a box of random size (a third to nine tenths of
    the canvas) at a random place, with a brush from the page's range.
    """
    points = np.concatenate(strokes)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = max(float((high - low).max()), 1e-6)
    box = rng.uniform(0.33, 0.9) * side
    scale = box / extent
    size = (high - low) * scale
    offset = rng.uniform(0, 1, 2) * np.maximum(side - size - 8, 0) + 4
    brush = int(np.clip(rng.triangular(BRUSH[0], 18, BRUSH[1]) * box / (0.66 * side), 3, BRUSH[1]))
    canvas = np.zeros((side, side), np.uint8)
    for stroke in strokes:
        xy = np.round((stroke - low) * scale + offset).astype(np.int32)
        if len(xy) == 1:
            cv2.circle(canvas, tuple(int(v) for v in xy[0]), max(1, brush // 2), 255, -1, cv2.LINE_AA)
        else:
            cv2.polylines(canvas, [xy.reshape(-1, 1, 2)], False, 255, brush, cv2.LINE_AA)
    return canvas


def scan_picture(scan: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A small scan (ink 1) enlarged onto a canvas with a margin, as a photo of it would arrive."""
    side = int(rng.integers(96, 200))
    big = cv2.resize(scan.astype(np.float32), (side, side), interpolation=cv2.INTER_CUBIC)
    canvas = np.zeros((side + 80, side + 80), np.float32)
    canvas[40 : 40 + side, 40 : 40 + side] = np.clip(big, 0, 1)
    return np.round(canvas * 255).astype(np.uint8)


def model_form(ink_bright: np.ndarray, rng: np.random.Generator) -> np.ndarray | None:
    """A picture (ink bright) through the pipeline's own steps to the model's 28x28 uint8, either polarity.

    None when the pipeline finds no ink there (a stroke drawn off the canvas).
    """
    return whole_form(ink_bright if rng.uniform() < 0.5 else 255 - ink_bright)


def whole_form(grey: np.ndarray) -> np.ndarray | None:
    """A grey picture's ink, all of it one digit, in the model's 28x28 uint8 form; None for no ink.

    Always from the ink's mask, as the pipeline reads a digit larger than MNIST's
    (a canvas, a photo): training needs that form, while MNIST's own images
    already show the model the grey form the pipeline gives small digits.
    """
    try:
        ink = extract_ink(grey)
    except NoDigitFound:
        return None
    return np.round(to_mnist(segment.whole(ink).mask) * 255).astype(np.uint8)
