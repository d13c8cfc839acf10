"""The project's own realistic test pictures, independent of MNIST.

MNIST accuracy says little about pictures from a browser canvas or a phone, so
these are digits drawn the way people do (benchmarks.glyphs), as a canvas
picture, a photo of paper, or a line of digits (benchmarks.pictures). The
same seed always gives the same pictures.

Beyond single digits and lines: pages of several lines, numbers whose digits
touch or cross, and numbers with marks (a dash, a colon, a slash, a comma)
between groups of digits, which their labels leave out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from benchmarks.glyphs import MARKS, Glyph, MarkGlyph, draw, random_glyph
from benchmarks.pictures import canvas_picture, fit, paper_picture, picture

KINDS = ("canvas", "paper", "line", "page", "touching", "marks")
CANVAS_SIDE = 280


class Sample(NamedTuple):
    data: bytes  # an encoded picture (PNG or JPEG)
    label: str  # the digits it shows, left to right (a page: each line's, joined by one space)
    kind: str  # one of KINDS


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
        coverage = fit(coverage, size)
    photo = rng.uniform() < 0.4 if photo is None else photo
    data = paper_picture(coverage, rng) if photo else canvas_picture(coverage, rng)
    return Sample(data, label, "line")


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
    return Sample(picture(draw(glyphs, size), rng), " ".join(labels), "page")


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
    return Sample(picture(draw(glyphs, size), rng), label, "touching")


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
    return Sample(picture(draw(glyphs, size), rng), "".join(groups), "marks")


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
