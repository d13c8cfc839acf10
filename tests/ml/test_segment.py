"""Splitting a line into digits: counts, order, boxes in the picture's own pixels, each digit's own
pixels, digits in several strokes, specks."""

from __future__ import annotations

import numpy as np
import pytest

from ml import segment
from ml.ink import extract_ink
from tests.ml.segment_pictures import components, ink_box, line, overlap, row_of


def test_digits_of_different_sizes_come_out_left_to_right_with_their_boxes():
    glyphs, size = row_of("507149", [220, 90, 160, 60, 200, 120])
    found = segment.split(extract_ink(line(glyphs, size)))
    assert len(found) == 6
    for glyph, digit in zip(glyphs, found, strict=True):
        assert overlap(digit.box, ink_box(glyph, size)) > 0.85
    assert [d.box[0] for d in found] == sorted(d.box[0] for d in found)


def test_a_digit_drawn_in_several_strokes_is_one_digit():
    # Form 1 of the 5 has its top bar as a separate stroke, form 1 of the 7 a crossbar,
    # form 1 of the 4 two strokes; thin pen so the parts do not touch.
    glyphs, size = row_of("574", [200, 200, 200], forms=[1, 1, 1], brush=6)
    grey = line(glyphs, size)
    assert components(grey) > 3  # the test is only meaningful if the parts are apart
    found = segment.split(extract_ink(grey))
    assert len(found) == 3
    for glyph, digit in zip(glyphs, found, strict=True):
        assert overlap(digit.box, ink_box(glyph, size)) > 0.85


def test_a_bar_sticking_out_past_its_digit_still_belongs_to_it():
    grey = np.full((160, 300), 255, np.uint8)
    grey[10:18, 70:140] = 0  # a slanted 5's bar: overlaps the body below by only 10 px
    grey[30:150, 40:80] = 0  # the body
    grey[30:150, 200:240] = 0  # the next digit
    first, second = segment.split(extract_ink(grey))
    assert first.box == (40, 10, 100, 140)
    assert second.box == (200, 30, 40, 120)


def test_twelve_digits():
    glyphs, size = row_of("123456789012", [150 + 10 * (i % 4) for i in range(12)], gap=25)
    assert len(segment.split(extract_ink(line(glyphs, size)))) == 12


def test_specks_are_not_digits():
    glyphs, size = row_of("38", [200, 200])
    grey = line(glyphs, size)
    for x, y in ((5, 5), (150, 20), (size[0] - 8, 280)):
        grey[y : y + 3, x : x + 3] = 0
    assert len(segment.split(extract_ink(grey))) == 2


def test_a_digit_keeps_only_its_own_pixels_when_a_neighbour_reaches_into_its_box():
    grey = np.full((120, 140), 255, np.uint8)
    grey[10:100, 20:30] = 0  # an L whose foot reaches under the next digit...
    grey[90:100, 20:84] = 0
    grey[10:80, 80:100] = 0  # ...a bar that overlaps the foot by less than half its width
    first, second = segment.split(extract_ink(grey))
    assert first.box == (20, 10, 64, 90)
    assert second.box == (80, 10, 20, 70)
    assert second.mask.shape == (70, 20) and second.mask.all()
    left_foot = np.zeros((120, 140), np.uint8)
    left_foot[10:100, 20:30] = left_foot[90:100, 20:84] = 1
    assert first.mask.sum() == left_foot.sum()


def test_one_digit_mode_takes_all_the_ink():
    glyphs, size = row_of("12", [200, 200])
    whole = segment.whole(extract_ink(line(glyphs, size)))
    first, second = ink_box(glyphs[0], size), ink_box(glyphs[1], size)
    union = (
        first[0],
        min(first[1], second[1]),
        second[0] + second[2] - first[0],
        max(first[1] + first[3], second[1] + second[3]) - min(first[1], second[1]),
    )
    assert overlap(whole.box, union) > 0.95


@pytest.mark.parametrize("scale", [1, 5])
def test_boxes_are_in_the_original_pictures_pixels(scale):
    grey = np.full((200 * scale, 600 * scale), 255, np.uint8)
    grey[40 * scale : 160 * scale, 100 * scale : 110 * scale] = 0
    grey[40 * scale : 160 * scale, 400 * scale : 480 * scale] = 0
    boxes = [d.box for d in segment.split(extract_ink(grey))]
    expected = [(100 * scale, 40 * scale, 10 * scale, 120 * scale), (400 * scale, 40 * scale, 80 * scale, 120 * scale)]
    assert np.allclose(boxes, expected, atol=scale)
