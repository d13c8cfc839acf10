"""The project's own realistic test pictures, independent of MNIST.

MNIST accuracy says little about pictures from a browser canvas or a phone, so
this module draws digits the way people do: a hand-made stroke template per
digit (several common forms: 7 with or without a crossbar, open and closed 4,
1 with or without a flag and base), jittered, slanted and scaled per sample,
then drawn as a canvas picture, a photo of paper, or a line of digits. The
same seed always gives the same pictures.

Beyond single digits and lines: pages of several lines, numbers whose digits
touch or cross, and numbers with marks (a dash, a colon, a slash, a comma)
between groups of digits, which their labels leave out.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image

Stroke = np.ndarray  # (n, 2) float points, x right, y down, digit height 1
KINDS = ("canvas", "paper", "line", "page", "touching", "marks")
CANVAS_SIDE = 280


class Sample(NamedTuple):
    data: bytes  # an encoded picture (PNG or JPEG)
    label: str  # the digits it shows, left to right (a page: each line's, joined by one space)
    kind: str  # one of KINDS


# Templates ------------------------------------------------------------------


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


# Drawing --------------------------------------------------------------------


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


# Pictures -------------------------------------------------------------------


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


# Samples --------------------------------------------------------------------


def canvas_digit(rng: np.random.Generator) -> Sample:
    """One digit drawn anywhere on a 280x280 canvas, 50-240 px high, brush 3-40 px (at most a fifth of that)."""
    digit = str(rng.integers(10))
    height = rng.uniform(50, 240)
    brush = int(rng.integers(3, int(max(4, min(41, height / 5)))))  # int(): as numpy truncates the bound
    glyph = random_glyph(rng, digit, height, brush)
    w, h = glyph.extent()
    if max(w, h) > CANVAS_SIDE - 4:  # a wide, slanted form might not fit
        glyph = replace(glyph, height=glyph.height * (CANVAS_SIDE - 4 - brush) / (max(w, h) - brush))
        w, h = glyph.extent()
    placed = replace(glyph, x=rng.uniform(0, CANVAS_SIDE - w), y=rng.uniform(0, CANVAS_SIDE - h))
    return Sample(canvas_picture(draw([placed], (CANVAS_SIDE, CANVAS_SIDE)), rng), digit, "canvas")


def paper_digit(rng: np.random.Generator) -> Sample:
    """One pen digit photographed on paper, 25-60% of the picture's shorter side high."""
    width, height = [(640, 480), (480, 640), (800, 600), (1280, 960), (1600, 1200)][rng.integers(5)]
    digit = str(rng.integers(10))
    size = rng.uniform(0.25, 0.6) * min(width, height)
    glyph = random_glyph(rng, digit, size, max(2, int(size * rng.uniform(0.04, 0.1))))
    w, h = glyph.extent()
    placed = replace(glyph, x=rng.uniform(0.1, 0.9) * (width - w), y=rng.uniform(0.1, 0.9) * (height - h))
    return Sample(paper_picture(draw([placed], (width, height)), rng), digit, "paper")


def digit_line(
    rng: np.random.Generator, count: int | None = None, size: tuple[int, int] | None = None, photo: bool | None = None
) -> Sample:
    """2-8 digits side by side (not touching), of varying sizes, drawn on a canvas or paper.

    With ``size`` (width, height) the line is scaled to fit that picture, centred;
    ``photo`` chooses a paper photo or a canvas (default: at random, 40% photos).
    """
    count = count or int(rng.integers(2, 9))
    label = "".join(str(d) for d in rng.integers(0, 10, count))
    height = int(rng.choice([200, 300, 400]))
    base = rng.uniform(0.45, 0.7) * height
    brush = int(max(3, base * rng.uniform(0.05, 0.12)))
    glyphs, x = [], rng.uniform(0.02, 0.1) * height
    for digit in label:
        glyph = random_glyph(rng, digit, base * rng.uniform(0.75, 1.2), brush)
        w, h = glyph.extent()
        y = np.clip((height - h) / 2 + rng.uniform(-0.08, 0.08) * height, 0, height - h)
        glyphs.append(replace(glyph, x=x, y=y))
        x += w + rng.uniform(0.08, 0.3) * base
    coverage = draw(glyphs, (int(x + rng.uniform(0.02, 0.1) * height), height))
    if size is not None:
        coverage = _fit(coverage, size)
    photo = rng.uniform() < 0.4 if photo is None else photo
    data = paper_picture(coverage, rng) if photo else canvas_picture(coverage, rng)
    return Sample(data, label, "line")


# Pages, touching digits, marks ----------------------------------------------


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


def _picture(coverage: np.ndarray, rng: np.random.Generator, photo: bool | None = None) -> bytes:
    """A canvas drawing, or (40% of the time, or as ``photo`` says) a photo of paper."""
    photo = rng.uniform() < 0.4 if photo is None else photo
    return paper_picture(coverage, rng) if photo else canvas_picture(coverage, rng)


def _number(
    rng: np.random.Generator, items: str, base: float, brush: int, x: float, y: float, drift: float = 0.0
) -> tuple[list, float]:
    """Digits (and marks) side by side from (x, y), not touching; the line drifts ``drift``
    px down per px right. Returns the glyphs and where the next one would start."""
    glyphs: list = []
    for item in items:
        top = y + drift * (x - glyphs[0].x if glyphs else 0.0)  # of the line, here
        if item in MARKS:
            x += rng.uniform(0.05, 0.2) * base
            mark = MarkGlyph(item, x=x, y=top, height=base, brush=brush, size=float(rng.uniform(0.7, 1.3)))
            glyphs.append(mark)
            x += mark.extent()[0] + rng.uniform(0.1, 0.25) * base
            continue
        glyph = random_glyph(rng, item, base * rng.uniform(0.85, 1.15), brush)
        w, h = glyph.extent()
        glyphs.append(replace(glyph, x=x, y=top + (base - h) / 2 + rng.uniform(-0.05, 0.05) * base))
        x += w + rng.uniform(0.1, 0.3) * base
    return glyphs, x


def _canvas_for(glyphs: list, margin: float) -> tuple[list, tuple[int, int]]:
    """The glyphs moved to leave ``margin`` px around their ink, and the picture's size."""
    points = np.concatenate([np.concatenate(g.strokes()) for g in glyphs])
    brush = max(g.brush for g in glyphs)
    left, top = points.min(axis=0) - brush / 2
    right, bottom = points.max(axis=0) + brush / 2
    moved = [replace(g, x=g.x - left + margin, y=g.y - top + margin) for g in glyphs]
    return moved, (int(right - left + 2 * margin), int(bottom - top + 2 * margin))


def page(rng: np.random.Generator) -> Sample:
    """2-3 lines of 1-8 digits each, one under the other, lines slightly drifting."""
    count = int(rng.integers(2, 4))
    base = rng.uniform(50, 140)
    brush = int(max(3, base * rng.uniform(0.06, 0.12)))
    pitch = base * rng.uniform(1.35, 1.9)
    glyphs, labels = [], []
    for i in range(count):
        label = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(1, 9))))
        indent = rng.uniform(0, 1.5) * base
        line, _ = _number(rng, label, base, brush, indent, i * pitch, drift=float(rng.uniform(-0.05, 0.05)))
        glyphs += line
        labels.append(label)
    glyphs, size = _canvas_for(glyphs, rng.uniform(0.15, 0.5) * base)
    return Sample(_picture(draw(glyphs, size), rng), " ".join(labels), "page")


def touching(rng: np.random.Generator) -> Sample:
    """2-4 digits in a row, neighbours touching or crossing (at least one pair; most of them)."""
    label = "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(2, 5))))
    base = rng.uniform(80, 200)
    brush = int(max(3, base * rng.uniform(0.06, 0.12)))
    touch = rng.uniform(size=len(label) - 1) < 0.75
    touch[rng.integers(len(touch))] = True
    glyphs: list[Glyph] = []
    for i, digit in enumerate(label):
        glyph = random_glyph(rng, digit, base * rng.uniform(0.9, 1.1), brush)
        _w, h = glyph.extent()
        glyph = replace(glyph, y=(base - h) / 2 + rng.uniform(-0.04, 0.04) * base)
        if not glyphs:
            glyphs.append(replace(glyph, x=brush))
            continue
        previous = glyphs[-1]
        if touch[i - 1]:
            x = touching_x(previous, glyph, crossing=rng.uniform(0.0, 0.7) * brush)
        else:
            x = previous.x + previous.extent()[0] + rng.uniform(0.1, 0.3) * base
        glyphs.append(replace(glyph, x=x))
    glyphs, size = _canvas_for(glyphs, rng.uniform(0.15, 0.4) * base)
    return Sample(_picture(draw(glyphs, size), rng), label, "touching")


def touching_x(previous: Glyph, glyph: Glyph, crossing: float) -> float:
    """Where ``glyph`` starts so that its ink meets ``previous``'s and goes ``crossing`` px further."""
    top = int(min(previous.y, glyph.y)) - glyph.brush
    height = int(max(previous.y + previous.extent()[1], glyph.y + glyph.extent()[1])) - top + 2 * glyph.brush
    first = (
        draw([replace(previous, x=0.0, y=previous.y - top)], (int(previous.extent()[0]) + 2 * previous.brush, height))
        > 0.5
    )
    second = draw([replace(glyph, x=0.0, y=glyph.y - top)], (int(glyph.extent()[0]) + 2 * glyph.brush, height)) > 0.5
    rows = first.any(axis=1) & second.any(axis=1)
    if not rows.any():  # nothing at the same height: boxes overlapping is the best there is
        return previous.x + previous.extent()[0] - crossing
    rightmost = first.shape[1] - 1 - np.argmax(first[:, ::-1], axis=1)
    leftmost = np.argmax(second, axis=1)
    meet = float(np.max((rightmost - leftmost)[rows]))  # glyph's x, relative to previous's, where they meet
    return previous.x + meet - crossing


def marked_number(rng: np.random.Generator) -> Sample:
    """2-3 groups of 1-4 digits with a mark between groups ("12-34", "12:30", "3/4", "1,234")."""
    mark = MARKS[int(rng.integers(len(MARKS)))]
    groups = [
        "".join(str(d) for d in rng.integers(0, 10, int(rng.integers(1, 5)))) for _ in range(int(rng.integers(2, 4)))
    ]
    base = rng.uniform(60, 160)
    brush = int(max(3, base * rng.uniform(0.06, 0.12)))
    glyphs, _ = _number(rng, mark.join(groups), base, brush, 0.0, 0.0, drift=float(rng.uniform(-0.03, 0.03)))
    glyphs, size = _canvas_for(glyphs, rng.uniform(0.15, 0.4) * base)
    return Sample(_picture(draw(glyphs, size), rng), "".join(groups), "marks")


def _fit(coverage: np.ndarray, size: tuple[int, int]) -> np.ndarray:
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


GENERATORS: dict[str, Callable[[np.random.Generator], Sample]] = {
    "canvas": canvas_digit,
    "paper": paper_digit,
    "line": digit_line,
    "page": page,
    "touching": touching,
    "marks": marked_number,
}


def samples(kind: str, count: int, seed: int = 0) -> Iterator[Sample]:
    """``count`` pictures of one kind; the same (kind, count, seed) always gives the same ones."""
    rng = np.random.default_rng([seed, KINDS.index(kind)])
    generate = GENERATORS[kind]
    for _ in range(count):
        yield generate(rng)
