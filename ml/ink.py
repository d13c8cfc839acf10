"""The ink apart from its paper: polarity, paper and lighting, threshold, specks.

A canvas gives dark ink on white or light ink on black, a phone photo grey
paper under uneven light with noise; after these steps every picture is bright
ink on black, and a blank one is refused rather than read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from ml.decode import WORK_SIDE
from ml.errors import NoDigitFound

# Ink must differ from the paper by at least MIN_CONTRAST grey levels and by
# NOISE_FACTOR times the paper's own noise, or the picture counts as blank.
MIN_CONTRAST = 40
NOISE_FACTOR = 4.0
# A paper level held by this share of the pixels is a drawing app's flat paper.
FLAT_PAPER = 0.5
# Components whose outline is shorter than this fraction of the longest one are
# dust or noise (the detached bar of a 5 or 7 measures about 0.2).
SPECK_FRACTION = 0.08
# The ink's largest component must span at least this fraction of the picture's
# longer side (and MIN_DIGIT_PIXELS) to be a digit rather than a stray mark.
MIN_DIGIT_FRACTION = 0.02
MIN_DIGIT_PIXELS = 6


@dataclass(frozen=True)
class Ink:
    """A picture's ink, white on black, at working resolution (longer side <= WORK_SIDE)."""

    image: np.ndarray  # uint8, ink bright, paper 0 (lighting and polarity removed)
    mask: np.ndarray  # uint8 0/1, the ink pixels kept (specks dropped)
    outlines: tuple[np.ndarray, ...]  # outer contour of each component kept (OpenCV points)
    scale: float  # original pixels per working pixel, a whole number >= 1
    original_size: tuple[int, int]  # (width, height) of the decoded picture

    def to_original(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A working-resolution (x, y, w, h) as the smallest box covering it in the original."""
        x, y, w, h = box
        width, height = self.original_size
        left, top = math.floor(x * self.scale), math.floor(y * self.scale)
        right = min(width, math.ceil((x + w) * self.scale))
        bottom = min(height, math.ceil((y + h) * self.scale))
        return left, top, right - left, bottom - top


def extract_ink(grey: np.ndarray, *, scale: int = 1, size: tuple[int, int] | None = None) -> Ink:
    """Separate the ink from the paper: polarity, lighting, threshold, specks.

    ``scale`` and ``size`` are a decoded Picture's, when ``grey`` is a picture
    that decode() shrank: the ink's boxes are then in the upload's own pixels.

    Raises NoDigitFound when nothing on the picture stands out from its paper
    (blank canvas, uniform colour, blank paper with camera or JPEG noise).
    """
    height, width = grey.shape
    factor = math.ceil(max(height, width) / WORK_SIDE)
    if factor > 1:
        grey = cv2.resize(grey, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA)
    ink, histogram = _remove_paper(*_ink_bright(grey, _histogram(grey)))
    mask, outlines = _drop_specks(_threshold(ink, histogram))
    return Ink(
        image=ink, mask=mask, outlines=outlines, scale=float(factor * scale), original_size=size or (width, height)
    )


def _histogram(grey: np.ndarray) -> np.ndarray:
    return cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()


def _percentiles(histogram: np.ndarray, quantiles: tuple[float, ...]) -> np.ndarray:
    """Grey levels at the given quantiles (np.percentile would sort the pixels: 10x slower)."""
    cumulative = np.cumsum(histogram)
    return np.searchsorted(cumulative, np.asarray(quantiles) * cumulative[-1])


def _ink_bright(grey: np.ndarray, histogram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The picture (and its histogram) with the ink bright, inverting dark ink on light paper.

    The paper is the majority (the median); the ink is the tail that reaches
    further from it, which also holds for grey paper and for ink lighter than
    a dark background.
    """
    low, median, high = _percentiles(histogram, (0.001, 0.5, 0.999))
    if median - low > high - median:
        return cv2.bitwise_not(grey), histogram[::-1]
    return grey, histogram


def _remove_paper(bright: np.ndarray, histogram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ink alone on black (and its histogram): the paper's grey level subtracted.

    A drawing app's paper is one exact grey covering most of the picture: it is
    subtracted as is. A photo's paper varies with the light and is estimated.
    """
    paper = int(np.argmax(histogram))
    if histogram[paper] < FLAT_PAPER * histogram.sum():
        ink = _less(bright, _paper_level(bright))
        return ink, _histogram(ink)
    shifted = np.zeros_like(histogram)
    shifted[0] = histogram[: paper + 1].sum()
    shifted[1 : 256 - paper] = histogram[paper + 1 :]
    return _less(bright, paper), shifted


def _less(bright: np.ndarray, paper: np.ndarray | int) -> np.ndarray:
    """bright - paper, stopping at 0. Not cv2.subtract: it takes an array 1 px wide and at most
    4 px tall for a scalar, and fails on such a picture."""
    return bright - np.minimum(bright, paper).astype(np.uint8)


def _paper_level(ink_bright: np.ndarray) -> np.ndarray:
    """The paper's local grey level, to subtract uneven light and shadows.

    A morphological opening with a window wider than any stroke removes the ink
    and keeps the slowly varying paper. It runs at a quarter of the resolution:
    the paper is smooth, and a window of a third of the picture is expensive.
    """
    height, width = ink_bright.shape
    small = cv2.resize(ink_bright, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    side = max(3, min(small.shape) // 3) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    paper = cv2.blur(cv2.morphologyEx(small, cv2.MORPH_OPEN, kernel), (side, side))
    return cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)


def _threshold(ink: np.ndarray, histogram: np.ndarray) -> np.ndarray:
    """Otsu's threshold, but never inside the paper's noise.

    The noise is measured below the median only: a thick marker can cover a
    third of a canvas, which would put ink into an interquartile range.
    """
    lower_quartile, median = _percentiles(histogram, (0.25, 0.5))
    floor = median + max(MIN_CONTRAST, NOISE_FACTOR * 2 * (median - lower_quartile))
    if floor >= 255:
        raise NoDigitFound()
    _, mask = cv2.threshold(ink, max(_otsu(histogram), floor), 1, cv2.THRESH_BINARY)
    return mask


def _otsu(histogram: np.ndarray) -> int:
    """Otsu's threshold from a histogram: the level that best separates two classes."""
    p = histogram / histogram.sum()
    below = np.cumsum(p)  # share of pixels at or below each level
    mean_below = np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_below[-1] * below - mean_below) ** 2 / (below * (1 - below))
    return int(np.nanargmax(between)) if np.isfinite(between).any() else 0


def _drop_specks(mask: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """The mask without dust and noise, and the outlines of what is left.

    Raises NoDigitFound if nothing digit-sized is left.

    Components are measured by their outlines (findContours is ten times
    faster than connectedComponentsWithStats here): a stroke's outline is about
    twice its length whatever the pen, so a bar of a 5 or 7 stays and dust goes.
    """
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    links = hierarchy[0] if hierarchy is not None else []
    outer = [c for c, link in zip(contours, links, strict=True) if link[3] < 0]  # link[3]: the parent
    if not outer:
        raise NoDigitFound()
    lengths = np.array([len(c) for c in outer])  # boundary pixels
    _, _, width, height = cv2.boundingRect(outer[int(np.argmax(lengths))])
    if max(width, height) < max(MIN_DIGIT_PIXELS, MIN_DIGIT_FRACTION * max(mask.shape)):
        raise NoDigitFound()
    keep = lengths >= SPECK_FRACTION * lengths.max()
    cv2.drawContours(mask, [c for c, kept in zip(outer, keep, strict=True) if not kept], -1, 0, thickness=cv2.FILLED)
    return mask, tuple(c for c, kept in zip(outer, keep, strict=True) if kept)


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the nonzero pixels; the mask must not be empty."""
    x, y, w, h = cv2.boundingRect(mask)
    return x, y, w, h
