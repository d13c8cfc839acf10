"""Coverage maps as the files people send: a drawing app's PNG or a phone photo of paper.

``digits_png`` is the plainest of them, for the tests and the load test, which
need pictures read right rather than the benchmark's variety.
"""

from __future__ import annotations

import io
from dataclasses import replace

import cv2
import numpy as np
from PIL import Image

from benchmarks.glyphs import Glyph, draw


def _encode(image: Image.Image, fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


def digits_png(
    label: str, *, height: int = 200, brush: int = 18, gap: int = 40, margin: int = 40, fmt: str = "PNG"
) -> bytes:
    """The plainest drawing of ``label``'s digits side by side, dark on white like the
    site's canvas: for tests and the load test, which need pictures read right, not
    the benchmark's variety."""
    glyphs, x = [], float(margin)
    for digit in label:
        glyph = Glyph(digit=digit, form=0, x=0, y=0, height=height, brush=brush, slant=0.1)
        width, _ = glyph.extent()
        glyphs.append(replace(glyph, x=x, y=margin - brush / 2))
        x += width + gap
    # Square for one digit (280x280 with the defaults), like the drawing page's canvas.
    size = (int(max(x - gap + margin, height + 2 * margin)), int(height + 2 * margin))
    coverage = draw(glyphs, size)
    return _encode(Image.fromarray(np.round(255 - coverage * 255).astype(np.uint8), "L"), fmt)


def canvas_picture(coverage: np.ndarray, rng: np.random.Generator) -> bytes:
    """A drawing app's PNG: dark on white or light on black ink, sometimes coloured,
    sometimes on a transparent background."""
    dark = rng.uniform() < 0.5
    coloured = rng.uniform() < 0.2
    if dark:
        ink, paper = (rng.uniform(0, 110, 3) if coloured else np.zeros(3)), np.full(3, 255.0)
    else:
        ink, paper = (rng.uniform(150, 255, 3) if coloured else np.full(3, 255.0)), np.zeros(3)
    if rng.uniform() < 0.25:
        colour = np.broadcast_to(np.round(ink).astype(np.uint8), (*coverage.shape, 3))
        rgba = np.dstack([colour, np.round(coverage * 255).astype(np.uint8)])
        return _encode(Image.fromarray(rgba, "RGBA"))
    rgb = paper + (ink - paper) * coverage[..., None]
    return _encode(Image.fromarray(np.round(rgb).astype(np.uint8), "RGB"))


def paper_picture(coverage: np.ndarray, rng: np.random.Generator) -> bytes:
    """A phone photo of ink on paper: blur, uneven light, tilt, noise, JPEG, maybe an EXIF turn."""
    height, width = coverage.shape
    # Tilted less the wider the picture, so a long line stays inside it.
    tilt = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-5, 5) * min(1.0, height / width), 1.0)
    coverage = cv2.warpAffine(coverage, tilt, (width, height), borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    coverage = cv2.GaussianBlur(coverage, (0, 0), rng.uniform(0.3, 1.2) * max(height, width) / 800)
    paper = rng.uniform(185, 245) * np.array([1.0, rng.uniform(0.96, 1.0), rng.uniform(0.88, 1.0)], np.float32)
    ink = rng.uniform(10, 70, 3).astype(np.float32) * np.array([1.0, 1.0, rng.uniform(1.0, 2.5)], np.float32)
    rgb = paper + (ink - paper) * coverage[..., None]
    rgb *= _lighting(height, width, rng)[..., None]
    # Sensor noise, the same in the three channels: a third of the random numbers to draw.
    rgb += (rng.standard_normal((height, width), dtype=np.float32) * np.float32(rng.uniform(1, 7)))[..., None]
    image = Image.fromarray(np.clip(rgb + 0.5, 0, 255).astype(np.uint8), "RGB")
    return _encode_photo(image, rng)


def _lighting(height: int, width: int, rng: np.random.Generator) -> np.ndarray:
    """A light falling off across the page and towards the corners (0.4..1), float32.

    Computed on a coarse grid and stretched: it is smooth, and full-size
    arithmetic would make photos slow to generate.
    """
    y, x = np.mgrid[0:1:33j, 0:1:33j].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * (x - 0.5) + np.sin(angle) * (y - 0.5) + 0.5
    radius = np.hypot(x - 0.5, y - 0.5) / 0.71
    light = 1.0 - rng.uniform(0, 0.35) * ramp - rng.uniform(0, 0.25) * radius**2
    return cv2.resize(light.astype(np.float32), (width, height), interpolation=cv2.INTER_LINEAR)


def _encode_photo(image: Image.Image, rng: np.random.Generator) -> bytes:
    """JPEG; one photo in five stored sideways with an EXIF orientation, as phones do."""
    out = io.BytesIO()
    quality = int(rng.integers(55, 92))
    if rng.uniform() < 0.2:
        exif = Image.Exif()
        exif[0x0112] = 6  # "rotate 90 CW to display": the sensor's pixels are turned the other way
        image.transpose(Image.Transpose.ROTATE_90).save(out, format="JPEG", quality=quality, exif=exif)
    else:
        image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def picture(coverage: np.ndarray, rng: np.random.Generator, photo: bool | None = None) -> bytes:
    """A canvas drawing, or (40% of the time, or as ``photo`` says) a photo of paper."""
    photo = rng.uniform() < 0.4 if photo is None else photo
    return paper_picture(coverage, rng) if photo else canvas_picture(coverage, rng)


def fit(coverage: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The coverage map scaled (aspect kept) and centred in a (width, height) picture."""
    width, height = size
    factor = min(width / coverage.shape[1], height / coverage.shape[0])
    scaled = cv2.resize(
        coverage,
        (round(coverage.shape[1] * factor), round(coverage.shape[0] * factor)),
        interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
    )
    top, left = (height - scaled.shape[0]) // 2, (width - scaled.shape[1]) // 2
    out = np.zeros((height, width), np.float32)
    out[top : top + scaled.shape[0], left : left + scaled.shape[1]] = scaled
    return out
