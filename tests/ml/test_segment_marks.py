"""Marks between digits (dashes, colons, commas, slashes, full stops): segments of their own, never
merged into a digit."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.glyphs import MARKS, Glyph, MarkGlyph
from ml import segment
from ml.ink import extract_ink
from tests.ml.segment_pictures import ink_box, line, overlap


def number_with_marks(items: str, height: float = 150, brush: int = 10) -> tuple[list, tuple[int, int]]:
    glyphs: list[Glyph | MarkGlyph] = []
    x = 20.0
    for i, item in enumerate(items):
        glyph: Glyph | MarkGlyph
        if item in MARKS:
            glyph = MarkGlyph(item, x=x, y=40, height=height, brush=brush)
        else:
            glyph = Glyph(digit=item, form=0, x=x, y=40, height=height, brush=brush, slant=0.15, seed=i)
        glyphs.append(glyph)
        x += glyph.extent()[0] + 0.2 * height
    return glyphs, (int(x) + 20, int(height) + 100)


@pytest.mark.parametrize("items", ["12-34", "12:30", "1,234", "3/4"])
def test_a_mark_between_groups_is_a_segment_of_its_own(items):
    glyphs, size = number_with_marks(items)
    (found,) = segment.lines(extract_ink(line(glyphs, size)))
    boxes = [ink_box(g, size) for g in glyphs]
    if ":" in items:  # a colon is two dots (or nothing, when they are small enough to count as specks)
        i = items.index(":")
        x, _y, w, _h = boxes.pop(i)
        dots = [d for d in found if x <= d.box[0] and d.box[0] + d.box[2] <= x + w + 1]
        assert len(dots) in (0, 2)
        found = [d for d in found if all(d is not dot for dot in dots)]
    assert len(found) == len(boxes)
    for box, digit in zip(boxes, found, strict=True):
        assert overlap(digit.box, box) > 0.8


def test_a_colon_with_dots_as_large_as_its_pen_gives_two_marks():
    glyphs, size = number_with_marks("12:30", brush=16)
    (found,) = segment.lines(extract_ink(line(glyphs, size)))
    assert len(found) == 6
    first, second = found[2:4]
    assert max(first.box[2:]) < 40 and max(second.box[2:]) < 40 and first.box[1] < second.box[1]


def test_a_dash_reaching_into_a_digits_box_is_not_absorbed():
    grey = np.full((200, 400), 255, np.uint8)
    grey[40:50, 40:140] = 0  # a 7: its bar...
    grey[40:160, 60:70] = 0  # ...and its stem
    grey[95:105, 110:180] = 0  # a dash at mid height, under the bar, overlapping the 7's box by 30 px
    grey[40:160, 220:260] = 0
    found = segment.split(extract_ink(grey))
    assert [d.box for d in found] == [(40, 40, 100, 120), (110, 95, 70, 10), (220, 40, 40, 120)]


def test_a_dot_next_to_a_digit_is_not_merged_into_it():
    grey = np.full((200, 300), 255, np.uint8)
    grey[40:160, 40:60] = 0  # a 1...
    grey[148:160, 52:66] = 0  # ...and a full stop overlapping its box but not its ink
    grey[148:160, 52:62] = 255
    grey[148:160, 62:74] = 0
    grey[40:160, 120:160] = 0
    found = segment.split(extract_ink(grey))
    assert [d.box for d in found] == [(40, 40, 20, 120), (62, 148, 12, 12), (120, 40, 40, 120)]
