"""Which of a line's ink components make one digit.

Within a line (``ml.segment.split`` is one line), components whose horizontal
extents overlap substantially are merged; a flat dash near the top or bottom of
the group it overlaps most is part of it (a slanted 5's bar can stick out past
its body), but a dash at mid height is a mark of its own (the "-" in "12-34"),
and so is a dot: neither is ever merged into a digit, so that the model can
refuse them. The groups, ordered left to right, are the digits.

Components come from the ink's outlines (``Ink.outlines``, found once by
``extract_ink``): the same components connectedComponentsWithStats would label,
at a tenth of its cost in this OpenCV build.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ml.ink import Ink

# Two groups of components belong to one digit when their horizontal extents
# overlap by at least this fraction of the narrower one's width.
MERGE_OVERLAP = 0.5
# A group wider than high and lower than this fraction of the tallest group is
# a dash: part of a digit (when near its top or bottom), never a digit of its own.
DASH_HEIGHT = 0.4
# A dash whose middle lies between these fractions of its host's height (from the
# top) is a mark between digits ("12-34"), not a 5's bar or a 1's foot.
DASH_MID_BAND = (0.3, 0.8)
# A group no longer than this fraction of the tallest, and not flat, is a dot
# (a full stop, a colon's dot, a comma): never merged into a digit.
DOT_SIZE = 0.3


@dataclass(frozen=True)
class Segment:
    """One digit: where it is, and its own ink."""

    box: tuple[int, int, int, int]  # (x, y, w, h) in the original picture's pixels
    mask: np.ndarray  # uint8 0/1 crop of the working-resolution ink, this digit's pixels only
    # A digit no larger than MNIST's own: its ink's grey levels (ml.mnist_form.small_digit_grey),
    # which the model reads better than the mask. None for larger digits.
    grey: np.ndarray | None = None


@dataclass(eq=False)  # compared by identity: the fields hold arrays
class Group:
    outlines: list[np.ndarray]
    left: int
    top: int
    right: int  # exclusive
    bottom: int  # exclusive

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    def shared(self, other: Group) -> int:
        """Width of the horizontal overlap in px (negative: the gap between them)."""
        return min(self.right, other.right) - max(self.left, other.left)

    def overlap(self, other: Group) -> float:
        return self.shared(other) / min(self.width, other.width)

    def vertical_shared(self, other: Group) -> int:
        return min(self.bottom, other.bottom) - max(self.top, other.top)

    def is_dash(self, tallest: int) -> bool:
        return self.height < self.width and self.height < DASH_HEIGHT * tallest

    def is_dot(self, tallest: int) -> bool:
        return max(self.width, self.height) < DOT_SIZE * tallest and 2 * self.height >= self.width

    def absorb(self, other: Group) -> None:
        self.outlines += other.outlines
        self.left, self.top = min(self.left, other.left), min(self.top, other.top)
        self.right, self.bottom = max(self.right, other.right), max(self.bottom, other.bottom)


def components(ink: Ink) -> list[Group]:
    groups = []
    for outline in ink.outlines:
        x, y, w, h = cv2.boundingRect(outline)
        groups.append(Group([outline], x, y, x + w, y + h))
    return groups


def line_groups(components: list[Group]) -> list[Group]:
    return _attach_dashes(_merge_overlapping(components))


def _merge_overlapping(groups: list[Group]) -> list[Group]:
    """Merge overlapping pairs until none is left; a merge widens a group, so look again.

    Dots are never merged: a full stop or a colon's dot next to a digit is a mark of its own.
    """
    groups = sorted(groups, key=lambda g: (g.left, g.top))
    tallest = max((g.height for g in groups), default=0)
    dots = {id(g) for g in groups if g.is_dot(tallest)}
    while True:
        pair = next(
            (
                (i, j)
                for i in range(len(groups))
                for j in range(i + 1, len(groups))
                if id(groups[i]) not in dots
                and id(groups[j]) not in dots
                and groups[i].overlap(groups[j]) >= MERGE_OVERLAP
            ),
            None,
        )
        if pair is None:
            return groups
        i, j = pair
        groups[i].absorb(groups.pop(j))  # j starts right of i: the order stays sorted


def _attach_dashes(groups: list[Group]) -> list[Group]:
    """Give each dash to the group it overlaps most, if it sits near that group's top or bottom;
    a dash overlapping none, or at its mid height, stays alone."""
    if not groups:
        return groups
    tallest = max(g.height for g in groups)
    for dash in [g for g in groups if g.is_dash(tallest) and not g.is_dot(tallest)]:
        host = max((g for g in groups if g is not dash), key=dash.shared, default=None)
        if host is None or dash.shared(host) <= 0:
            continue
        where = (dash.middle - host.top) / max(host.height, 1)
        if DASH_MID_BAND[0] < where < DASH_MID_BAND[1] and host.height > dash.height:
            continue  # a minus or a hyphen between digits
        host.absorb(dash)
        groups.remove(dash)
    return sorted(groups, key=lambda g: (g.left, g.top))


def own_pixels(ink: Ink, group: Group) -> np.ndarray:
    """The ink inside the group's components' outlines (holes and all, then masked by the
    ink: a 0's loop stays empty); a neighbour's stroke may enter the box."""
    inside = np.zeros((group.height, group.width), np.uint8)
    cv2.drawContours(inside, group.outlines, -1, 1, thickness=cv2.FILLED, offset=(-group.left, -group.top))
    return cv2.bitwise_and(inside, ink.mask[group.top : group.bottom, group.left : group.right])


def as_segment(ink: Ink, group: Group) -> Segment:
    """The group's bounding box and its own pixels only."""
    box = (group.left, group.top, group.width, group.height)
    return Segment(box=ink.to_original(box), mask=own_pixels(ink, group))
