"""One digit's ink in the 28x28 form the model was trained on.

MNIST digits were made from bilevel scans: each digit's bounding box scaled
(aspect kept) so its longer side is 20 px, anti-aliased by that scaling, then
put in a 28x28 field with its centre of mass at the centre. The strokes of a
canvas or a photo are evened to MNIST's width first, so the digit is made the
way MNIST made its own.
"""

from __future__ import annotations

import cv2
import numpy as np

from ml.ink import bounding_box

MNIST_SIDE = 28
MNIST_BOX = 20
MNIST_CENTRE = 14.0  # where MNIST's centres of mass sit (row and column index)
# Stroke width is measured and corrected with the digit's longer side at
# NORM_SIDE px, so the work costs the same for a 30 px and a 3000 px digit.
NORM_SIDE = 4 * MNIST_BOX
# MNIST's median stroke width (ink above half intensity) in the 20 px box is 1.85
# px, 10th-90th percentile 1.4-2.6, measured with stroke_width() on the test set.
TARGET_WIDTH = 1.9 * NORM_SIDE / MNIST_BOX
WIDTH_TOLERANCE = 1.4
# A digit whose longer side is at most this many working pixels is read from its grey
# levels (to_mnist_grey), not from its mask: it is already about MNIST's size.
SMALL_DIGIT = MNIST_SIDE
# Its grey levels are taken this far (px) around the ink kept, for the faint edges of its strokes.
GREY_REACH = 2


def to_mnist(mask: np.ndarray) -> np.ndarray:
    """One digit's ink mask (any size, nonzero = ink) as a (28, 28) float32 MNIST image.

    The mask is binary on purpose: MNIST came from bilevel scans, and its grey
    edges are the anti-aliasing of the downscale, which INTER_AREA recreates.
    """
    digit = _crop(_normalise_width(_resample(_crop((mask > 0).astype(np.uint8) * 255))))
    height, width = digit.shape
    factor = MNIST_BOX / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    box = cv2.resize(digit, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    return _centre_by_mass(box)


def small_digit_grey(image: np.ndarray, mask: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray | None:
    """A small digit's ink brightness within its box, GREY_REACH around its ink; None for a larger one.

    Why: a digit already at MNIST's size, such as an MNIST digit sent as a
    picture, carries in its grey edges the shape that thresholding throws away,
    and nothing is gained by evening out its stroke: read from its mask, MNIST's
    test digits sent as PNGs lose about 0.2 points of accuracy (99.39% against
    99.61% for the same model on the raw tensors); read from their grey levels,
    none.
    """
    x, y, w, h = box
    if max(w, h) > SMALL_DIGIT:
        return None
    side = 2 * GREY_REACH + 1
    near = cv2.dilate(mask[y : y + h, x : x + w], np.ones((side, side), np.uint8))
    return image[y : y + h, x : x + w] * (near > 0)


def to_mnist_grey(grey: np.ndarray) -> np.ndarray:
    """A small digit's grey levels (0 paper to 255 ink, cropped to its box) as a (28, 28) float32 MNIST image."""
    height, width = grey.shape
    factor = MNIST_BOX / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    box = cv2.resize(grey.astype(np.float32), size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    return _centre_by_mass(box / max(float(box.max()), 1.0))


def digit_form(mask: np.ndarray, grey: np.ndarray | None = None) -> np.ndarray:
    """What the model is given for one digit: from its grey levels when it has them (a small digit), else its mask."""
    return to_mnist_grey(grey) if grey is not None else to_mnist(mask)


def _crop(mask: np.ndarray) -> np.ndarray:
    x, y, w, h = bounding_box(mask)
    return mask[y : y + h, x : x + w]


def _resample(mask: np.ndarray) -> np.ndarray:
    """The 0/255 mask with its longer side NORM_SIDE px, padded for dilation.

    Keeping pixels a quarter covered (not half) keeps a 3 px stroke of a
    1000 px digit from breaking up; the width correction evens it out after.
    """
    height, width = mask.shape
    factor = NORM_SIDE / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    resized = cv2.resize(mask, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    _, binary = cv2.threshold(resized, 63, 255, cv2.THRESH_BINARY)
    pad = round(TARGET_WIDTH)
    return cv2.copyMakeBorder(binary, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width in px: 2 * area / perimeter, the perimeter counted as edge pixels.

    A stroke of width w and length l has area w*l and two edges of length l.
    """
    area = int(np.count_nonzero(mask))
    edge = area - int(np.count_nonzero(cv2.erode(mask, np.ones((3, 3), np.uint8))))
    return 2.0 * area / max(edge, 1)


def _normalise_width(mask: np.ndarray) -> np.ndarray:
    """Dilate thin strokes, erode thick ones, when far from MNIST's width.

    A 3 px brush on a 280 px digit would fade to nothing at 20 px, and a 40 px
    marker would leave an 8 a blob with pinholes; MNIST's own widths vary, so
    widths within WIDTH_TOLERANCE of the target are left alone.
    """
    width = stroke_width(mask)
    if TARGET_WIDTH / WIDTH_TOLERANCE <= width <= TARGET_WIDTH * WIDTH_TOLERANCE:
        return mask
    side = round(abs(TARGET_WIDTH - width)) + 1  # a disc of diameter d changes the width by d - 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    adjusted = cv2.dilate(mask, kernel) if width < TARGET_WIDTH else cv2.erode(mask, kernel)
    return adjusted if adjusted.any() else mask


def _centre_by_mass(box: np.ndarray) -> np.ndarray:
    """Place the 20 px box in the 28x28 field with its centre of mass at MNIST's."""
    moments = cv2.moments(box)
    height, width = box.shape
    row = moments["m01"] / moments["m00"] if moments["m00"] else height / 2
    col = moments["m10"] / moments["m00"] if moments["m00"] else width / 2
    top = int(np.clip(round(MNIST_CENTRE - row), 0, MNIST_SIDE - height))
    left = int(np.clip(round(MNIST_CENTRE - col), 0, MNIST_SIDE - width))
    field = np.zeros((MNIST_SIDE, MNIST_SIDE), np.float32)
    field[top : top + height, left : left + width] = box
    return field
