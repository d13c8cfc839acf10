"""Splitting a picture's ink into lines of digits.

A digit is one or more connected components of the ink: most digits are drawn
in one stroke, but a 5's top bar, a 7's crossbar, a 4 in two strokes or a loop
that did not quite close are separate components that sit above or below the
rest of their digit. Neighbouring digits, on the other hand, sit side by side.

Lines come first (``lines``): components whose vertical extents overlap by
half the smaller one's height belong to one line, transitively, so a slanted
line that drifts up or down stays one line (components far apart sideways must
overlap more: the ends of two slanted lines can overlap a little). Only digit-sized components (the
"seeds", at least SEED_HEIGHT of the typical digit's height) define lines;
smaller marks (a 5's bar, half of a broken 8, a dash, a colon's dots, a comma)
join the line they sit in or nearest to, within MARK_REACH of its digits'
height. Marks too far from every line are lines of their own (a line written
smaller than the others), found the same way among themselves.

Within a line, ml.groups says which components are one digit, and with a
scorer ml.touching splits the digits that touch each other.
"""

from __future__ import annotations

import numpy as np

from ml.groups import Group, Segment, as_segment, components, line_groups
from ml.ink import Ink, bounding_box
from ml.mnist_form import small_digit_grey
from ml.touching import PART_SURE, Score, split_touching

# Lines: a component is a seed (defines a line) when at least SEED_HEIGHT of the
# typical digit height, the median height of the components at least half as
# tall as the tallest.
SEED_HEIGHT = 0.55
# Two seeds are on one line when their vertical extents overlap by this
# fraction of the smaller one's height.
LINE_OVERLAP = 0.5
# ...if they are neighbours, at most LINE_NEAR of the taller one's height apart
# sideways; seeds further apart must overlap by FAR_OVERLAP (the ends of two
# slanted lines, one under the other, can overlap a little).
LINE_NEAR = 2.0
FAR_OVERLAP = 0.8
# A mark joins the line whose nearest digit it is at most this many of the
# line's digit heights above or below.
MARK_REACH = 0.35


def whole(ink: Ink) -> Segment:
    """All the picture's ink as one digit."""
    box = bounding_box(ink.mask)
    x, y, w, h = box
    return Segment(
        box=ink.to_original(box), mask=ink.mask[y : y + h, x : x + w], grey=small_digit_grey(ink.image, ink.mask, box)
    )


def lines(ink: Ink, score: Score | None = None, sure: float = PART_SURE) -> list[list[Segment]]:
    """The lines of digits, top to bottom, each left to right.

    ``score(masks)`` gives, per mask, the sureness (0..1) that it is a digit, or
    the model's probabilities (the ten digits first): with it, digits that touch
    are split where it is at least ``sure`` of every part (or nearly as sure, see
    WEAK_PART); without it, they stay one segment. The parts' masks are the very
    arrays it was given, so a scorer that remembers its answers need not be asked
    again.
    """
    found = []
    for members in _find_lines(components(ink)):
        groups = line_groups(members)
        if score is None:
            found.append([as_segment(ink, g) for g in groups])
        else:
            found.append(split_touching(ink, groups, score, sure))
    return found


def split(ink: Ink) -> list[Segment]:
    """All the ink as one line of digits, left to right (touching digits stay one)."""
    return [as_segment(ink, group) for group in line_groups(components(ink))]


def _find_lines(components: list[Group]) -> list[list[Group]]:
    """The components, grouped by line, lines ordered top to bottom."""
    if len(components) <= 1:
        return [components]
    tallest = max(c.height for c in components)
    typical = float(np.median([c.height for c in components if 2 * c.height >= tallest]))
    seeds = [c for c in components if c.height >= SEED_HEIGHT * typical]
    marks = [c for c in components if c.height < SEED_HEIGHT * typical]
    found = _overlapping_lines(seeds)
    heights = [float(np.median([c.height for c in line])) for line in found]
    leftover = []
    for mark in marks:
        distance, nearest = min(
            (_mark_distance(mark, line) / height, i)
            for i, (line, height) in enumerate(zip(found, heights, strict=True))
        )
        if distance <= MARK_REACH:
            found[nearest].append(mark)
        else:
            leftover.append(mark)
    if leftover:
        found += _find_lines(leftover)
    return sorted(found, key=lambda line: float(np.median([c.middle for c in line])))


def _overlapping_lines(seeds: list[Group]) -> list[list[Group]]:
    """Seeds whose vertical extents overlap enough, transitively (union-find)."""
    parent = list(range(len(seeds)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(seeds):
        for j in range(i + 1, len(seeds)):
            b = seeds[j]
            shared, lower = a.vertical_shared(b), min(a.height, b.height)
            near = -a.shared(b) <= LINE_NEAR * max(a.height, b.height)
            if shared >= (LINE_OVERLAP if near else FAR_OVERLAP) * lower:
                parent[root(j)] = root(i)
    by_root: dict[int, list[Group]] = {}
    for i, seed in enumerate(seeds):
        by_root.setdefault(root(i), []).append(seed)
    return list(by_root.values())


def _mark_distance(mark: Group, line: list[Group]) -> float:
    """How far (px) the mark's middle is above or below the line's digit nearest to it horizontally."""
    nearest = max(line, key=mark.shared)
    return max(0.0, nearest.top - mark.middle, mark.middle - nearest.bottom)
