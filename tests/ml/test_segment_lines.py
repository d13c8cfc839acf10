"""Splitting a picture into lines: top to bottom, each left to right, slanted lines whole, digits in
the same columns apart."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.glyphs import Glyph
from ml import segment
from ml.ink import extract_ink
from tests.ml.segment_pictures import components, ink_box, line, overlap, row_of


def page_of(
    rows: list[str],
    height: float = 120,
    pitch: float = 1.6,
    drift: float = 0.0,
    brush: int = 9,
    indents: list[float] | None = None,
) -> tuple[list[list[Glyph]], tuple[int, int]]:
    """Rows of digits one under the other; each digit ``drift`` heights lower than the one before."""
    glyph_rows, right = [], 0.0
    for r, digits in enumerate(rows):
        x, glyphs = 20.0 + (indents[r] if indents else 0.0), []
        for i, digit in enumerate(digits):
            glyph = Glyph(
                digit=digit,
                form=0,
                x=x,
                y=20 + r * pitch * height + i * drift * height,
                height=height,
                brush=brush,
                slant=0.15,
                seed=i,
            )
            glyphs.append(glyph)
            x += glyph.extent()[0] + 0.3 * height
        glyph_rows.append(glyphs)
        right = max(right, x)
    bottom = max(g.y + g.extent()[1] for row in glyph_rows for g in row)
    return glyph_rows, (int(right) + 20, int(bottom) + 30)


def found_lines(glyph_rows: list[list[Glyph]], size: tuple[int, int], score=None) -> list[list[segment.Segment]]:
    return segment.lines(extract_ink(line([g for row in glyph_rows for g in row], size)), score)


def assert_lines_match(found: list[list[segment.Segment]], glyph_rows: list[list[Glyph]], size: tuple[int, int]):
    assert [len(row) for row in found] == [len(row) for row in glyph_rows]
    for row, glyphs in zip(found, glyph_rows, strict=True):
        for digit, glyph in zip(row, glyphs, strict=True):
            assert overlap(digit.box, ink_box(glyph, size)) > 0.85


@pytest.mark.parametrize("rows", [["2024", "17"], ["2024", "17", "365"], ["7", "31415926", "80"]])
def test_lines_come_out_top_to_bottom_each_left_to_right(rows):
    glyph_rows, size = page_of(rows, indents=[0, 60, 10])
    assert_lines_match(found_lines(glyph_rows, size), glyph_rows, size)


def test_lines_whose_digits_are_in_the_same_columns_stay_apart():
    glyph_rows, size = page_of(["8888", "1111", "0000"], pitch=1.3)
    assert_lines_match(found_lines(glyph_rows, size), glyph_rows, size)


def test_a_slanted_line_is_one_line_though_its_ends_do_not_overlap():
    glyph_rows, size = page_of(["31415926", "2718"], drift=0.18, pitch=3.0)
    first = glyph_rows[0]
    assert first[0].y + first[0].extent()[1] < first[-1].y  # the first digit ends above the last one starts
    assert_lines_match(found_lines(glyph_rows, size), glyph_rows, size)


def test_one_line_reads_as_one_split():
    for glyphs, size in (
        row_of("507149", [220, 90, 160, 60, 200, 120]),
        row_of("574", [200, 200, 200], forms=[1, 1, 1], brush=6),
        row_of("123456789012", [150 + 10 * (i % 4) for i in range(12)], gap=25),
    ):
        ink = extract_ink(line(glyphs, size))
        (found,) = segment.lines(ink)
        assert [d.box for d in found] == [d.box for d in segment.split(ink)]
        assert len(found) == len(glyphs)


def test_digits_in_several_strokes_stay_whole_on_a_page():
    glyph_rows, size = page_of(["574", "457"], height=150, brush=5)
    glyph_rows = [[Glyph(**{**g.__dict__, "form": 1}) for g in row] for row in glyph_rows]
    grey = line([g for row in glyph_rows for g in row], size)
    assert components(grey) > 6
    assert_lines_match(segment.lines(extract_ink(grey)), glyph_rows, size)


def test_a_bar_above_its_digit_stays_on_its_line():
    grey = np.full((400, 300), 255, np.uint8)
    grey[10:18, 70:140] = 0  # a 5's bar, above its body
    grey[30:150, 40:80] = 0
    grey[30:150, 200:240] = 0
    grey[230:350, 40:80] = 0  # a second line
    (first, second), (third,) = segment.lines(extract_ink(grey))
    assert first.box == (40, 10, 100, 140) and second.box == (200, 30, 40, 120)
    assert third.box == (40, 230, 40, 120)
