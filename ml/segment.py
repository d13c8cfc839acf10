"""Splitting a picture's ink into digits.

A digit is one or more connected components of the ink: most digits are drawn
in one stroke, but a 5's top bar, a 7's crossbar, a 4 in two strokes or a loop
that did not quite close are separate components that sit above or below the
rest of their digit. Neighbouring digits, on the other hand, sit side by side.
So components whose horizontal extents overlap substantially are merged; a
flat dash (a bar on its own is never a digit) joins whichever group it
overlaps most, since a slanted 5's bar can stick out past its body. The
groups, ordered left to right, are the digits.

Components come from the ink's outlines (``Ink.outlines``, found once by
``extract_ink``): the same components connectedComponentsWithStats would label,
at a tenth of its cost in this OpenCV build.

Digits that touch each other (one component spanning two digits) are out of
scope: they come out as one digit. So are digits written on several lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ml.preprocess import Ink, bounding_box

# Two groups of components belong to one digit when their horizontal extents
# overlap by at least this fraction of the narrower one's width.
MERGE_OVERLAP = 0.5
# A group wider than high and lower than this fraction of the tallest group is
# a dash: part of a digit, never a digit of its own.
DASH_HEIGHT = 0.4


@dataclass(frozen=True)
class Segment:
    """One digit: where it is, and its own ink."""

    box: tuple[int, int, int, int]  # (x, y, w, h) in the original picture's pixels
    mask: np.ndarray  # uint8 0/1 crop of the working-resolution ink, this digit's pixels only


@dataclass(eq=False)  # compared by identity: the fields hold arrays
class _Group:
    outlines: list[np.ndarray]
    left: int
    top: int
    right: int  # exclusive
    bottom: int  # exclusive

    def shared(self, other: _Group) -> int:
        """Width of the horizontal overlap in px (negative: the gap between them)."""
        return min(self.right, other.right) - max(self.left, other.left)

    def overlap(self, other: _Group) -> float:
        return self.shared(other) / min(self.right - self.left, other.right - other.left)

    def is_dash(self, tallest: int) -> bool:
        height = self.bottom - self.top
        return height < self.right - self.left and height < DASH_HEIGHT * tallest

    def absorb(self, other: _Group) -> None:
        self.outlines += other.outlines
        self.left, self.top = min(self.left, other.left), min(self.top, other.top)
        self.right, self.bottom = max(self.right, other.right), max(self.bottom, other.bottom)


def whole(ink: Ink) -> Segment:
    """All the picture's ink as one digit."""
    x, y, w, h = bounding_box(ink.mask)
    return Segment(box=ink.to_original((x, y, w, h)), mask=ink.mask[y:y + h, x:x + w])


def split(ink: Ink) -> list[Segment]:
    """The digits on one line, left to right."""
    groups = []
    for outline in ink.outlines:
        x, y, w, h = cv2.boundingRect(outline)
        groups.append(_Group([outline], x, y, x + w, y + h))
    return [_segment(ink, group) for group in _attach_dashes(_merge_overlapping(groups))]


def _merge_overlapping(groups: list[_Group]) -> list[_Group]:
    """Merge overlapping pairs until none is left; a merge widens a group, so look again."""
    groups = sorted(groups, key=lambda g: g.left)
    while True:
        pair = next(((i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))
                     if groups[i].overlap(groups[j]) >= MERGE_OVERLAP), None)
        if pair is None:
            return groups
        i, j = pair
        groups[i].absorb(groups.pop(j))  # j starts right of i: the order stays sorted


def _attach_dashes(groups: list[_Group]) -> list[_Group]:
    """Give each dash to the group it overlaps most; a dash overlapping none stays alone."""
    tallest = max(g.bottom - g.top for g in groups)
    for dash in [g for g in groups if g.is_dash(tallest)]:
        host = max((g for g in groups if g is not dash), key=dash.shared, default=None)
        if host is not None and dash.shared(host) > 0:
            host.absorb(dash)
            groups.remove(dash)
    return sorted(groups, key=lambda g: g.left)


def _segment(ink: Ink, group: _Group) -> Segment:
    """The group's bounding box and its own pixels only (a neighbour's stroke may enter the box).

    Its own pixels are the ink inside its components' outlines (holes and all,
    then masked by the ink: a 0's loop stays empty).
    """
    box = (group.left, group.top, group.right - group.left, group.bottom - group.top)
    inside = np.zeros((box[3], box[2]), np.uint8)
    cv2.drawContours(inside, group.outlines, -1, 1, thickness=cv2.FILLED, offset=(-group.left, -group.top))
    own = cv2.bitwise_and(inside, ink.mask[group.top:group.bottom, group.left:group.right])
    return Segment(box=ink.to_original(box), mask=own)
