"""Training-time distortions that mimic what people actually draw.

MNIST digits are tidy; canvas and paper digits are tilted, slanted, off-size and
drawn with thinner or thicker strokes. Each epoch sees a freshly distorted copy.
"""

from __future__ import annotations

import cv2
import numpy as np

_KERNEL = np.ones((2, 2), np.uint8)

# How far each distortion goes; the model card's words for them (DESCRIPTION) are made from these.
MAX_ROTATION = 12.0  # degrees either way
ZOOM = 0.12  # up to this share larger or smaller
MAX_SHEAR = 0.25
MAX_SHIFT = 2.5  # pixels, each axis
THICKNESS_P = 0.3  # share of images eroded or dilated (half each)
DESCRIPTION = (
    f"rotation {MAX_ROTATION:g} deg, zoom {ZOOM:.0%}, shear {MAX_SHEAR:g}, shift {MAX_SHIFT:g} px, "
    f"erode/dilate {THICKNESS_P:.0%}"
)


def random_affine(
    rng: np.random.Generator,
    max_rotation: float = MAX_ROTATION,
    zoom: float = ZOOM,
    max_shear: float = MAX_SHEAR,
    max_shift: float = MAX_SHIFT,
) -> np.ndarray:
    """A 2x3 matrix about the image centre: rotation, zoom, shear, then shift."""
    angle = np.deg2rad(rng.uniform(-max_rotation, max_rotation))
    scale = rng.uniform(1 - zoom, 1 + zoom)
    shear = rng.uniform(-max_shear, max_shear)
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    linear = np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, 1.0]])
    centre = np.array([13.5, 13.5])
    offset = centre - linear @ centre + rng.uniform(-max_shift, max_shift, size=2)
    return np.hstack([linear, offset[:, None]]).astype(np.float32)


def augment_batch(images: np.ndarray, rng: np.random.Generator, thickness_p: float = THICKNESS_P) -> np.ndarray:
    """Distort a batch of (n, 28, 28) uint8 images; returns a new uint8 array."""
    out = np.empty_like(images)
    strokes = rng.uniform(size=len(images))
    for i, image in enumerate(images):
        warped = cv2.warpAffine(
            image, random_affine(rng), (28, 28), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
        )
        if strokes[i] < thickness_p / 2:
            warped = cv2.erode(warped, _KERNEL)
        elif strokes[i] < thickness_p:
            warped = cv2.dilate(warped, _KERNEL)
        out[i] = warped
    return out
