"""Splitting a picture into lines and digits: counts, order, boxes, each digit's own pixels,
marks between digits, and digits that touch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np
import pytest

from ml import segment
from ml.pipeline import _sureness, read
from ml.preprocess import extract_ink
from ml.synth import MARKS, Glyph, MarkGlyph, _canvas_for, draw, touching_x


def line(glyphs: Sequence[Glyph | MarkGlyph], size: tuple[int, int]) -> np.ndarray:
    """A grey picture, dark ink on white paper."""
    return 255 - np.round(draw(glyphs, size) * 255).astype(np.uint8)


def ink_box(glyph: Glyph, size: tuple[int, int]) -> tuple[int, int, int, int]:
    x, y, w, h = cv2.boundingRect((draw([glyph], size) > 0.5).astype(np.uint8))
    return x, y, w, h


def components(grey: np.ndarray) -> int:
    return cv2.connectedComponents((grey < 128).astype(np.uint8))[0] - 1


def row_of(
    digits: str, heights: list[float], forms: list[int] | None = None, brush: int = 10, gap: float = 30
) -> tuple[list[Glyph], tuple[int, int]]:
    glyphs, x = [], 20.0
    for i, (digit, height) in enumerate(zip(digits, heights, strict=True)):
        glyph = Glyph(
            digit=digit,
            form=forms[i] if forms else 0,
            x=x,
            y=260 - height,
            height=height,
            brush=brush,
            slant=0.2,
            seed=i,
        )
        glyphs.append(glyph)
        x += glyph.extent()[0] + gap
    return glyphs, (int(x) + 20, 300)


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    left, top = max(a[0], b[0]), max(a[1], b[1])
    right, bottom = min(a[0] + a[2], b[0] + b[2]), min(a[1] + a[3], b[1] + b[3])
    inter = max(0, right - left) * max(0, bottom - top)
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


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


# Lines ------------------------------------------------------------------------


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


# Marks ------------------------------------------------------------------------


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


# Touching digits ----------------------------------------------------------------


def touching_pair(
    digits: str, lead: str = "", height: float = 160, brush: int = 12
) -> tuple[list[Glyph], tuple[int, int]]:
    """Digits ``lead`` apart from each other, then two digits whose strokes touch and cross by a
    third of the brush."""
    glyphs: list[Glyph] = []
    x = 20.0
    for i, digit in enumerate(lead + digits):
        glyph = Glyph(digit=digit, form=0, x=x, y=30, height=height, brush=brush, slant=0.1, width=1.2, seed=i)
        if i == len(lead) + 1:
            glyph = Glyph(**{**glyph.__dict__, "x": touching_x(glyphs[-1], glyph, crossing=0.4 * brush)})
        glyphs.append(glyph)
        x = glyph.x + glyph.extent()[0] + 0.3 * height
    return glyphs, (int(x), int(height) + 60)


def knows(glyphs: list[Glyph], size: tuple[int, int]):
    """A stand-in for a model that knows these digits: sure of a mask shaped like one of them
    (each drawn alone), unsure of anything else. Unlike a real model, it does not change."""
    shapes = []
    for glyph in glyphs:
        x, y, w, h = ink_box(glyph, size)
        shapes.append((draw([glyph], size)[y : y + h, x : x + w] > 0.5).astype(np.uint8))

    def likeness(mask: np.ndarray, shape: np.ndarray) -> float:
        if abs(mask.shape[0] - shape.shape[0]) > 8 or abs(mask.shape[1] - shape.shape[1]) > 8:
            return 0.0
        a, b = (cv2.resize(m, (32, 32), interpolation=cv2.INTER_NEAREST) > 0 for m in (mask, shape))
        return (a & b).sum() / (a | b).sum()

    def score(masks: list[np.ndarray]) -> np.ndarray:
        # sure of a close match, fairly sure of a rough one (a cut through crossing strokes), else unsure
        best = [max(likeness(m, shape) for shape in shapes) for m in masks]
        return np.array([0.99999 if b > 0.7 else 0.8 if b > 0.4 else 0.3 for b in best])

    return score


@pytest.mark.parametrize("lead,digits", [("", "00"), ("", "38"), ("20", "17"), ("5", "00"), ("", "17")])
def test_touching_digits_are_split_with_a_scorer_and_not_without(lead, digits):
    glyphs, size = touching_pair(digits, lead)
    grey = line(glyphs, size)
    assert components(grey) == len(lead) + 1
    ink = extract_ink(grey)
    assert [len(row) for row in segment.lines(ink)] == [len(lead) + 1]
    (found,) = segment.lines(ink, knows(glyphs, size))
    assert len(found) == len(glyphs)
    for glyph, digit in zip(glyphs, found, strict=True):
        assert overlap(digit.box, ink_box(glyph, size)) > 0.8
    assert sum(int(d.mask.sum()) for d in found) == int(ink.mask.sum())  # every pixel goes to one part


def test_touching_digits_are_split_with_the_real_models_scorer():
    from ml.model import get_model
    from ml.pipeline import _sureness

    glyphs, size = touching_pair("00", "5")
    (found,) = segment.lines(extract_ink(line(glyphs, size)), _sureness(get_model()))
    assert len(found) == 3
    for glyph, digit in zip(glyphs, found, strict=True):
        assert overlap(digit.box, ink_box(glyph, size)) > 0.6


def test_the_scorer_decides_whether_to_split():
    glyphs, size = touching_pair("00")
    ink = extract_ink(line(glyphs, size))
    calls = []

    def whole_is_best(masks):
        calls.append(len(masks))
        return np.array([1.0] + [0.2] * (len(masks) - 1))  # the first mask is the unsplit one

    assert [len(row) for row in segment.lines(ink, whole_is_best)] == [1]
    assert len(calls) == 1 and calls[0] > 3  # all the candidates in one call


def test_a_single_digit_is_never_offered_to_the_scorer():
    glyph = Glyph(digit="8", form=0, x=60, y=50, height=180, brush=16, slant=0.1)
    ink = extract_ink(line([glyph], (280, 280)))

    def refuse(masks):
        raise AssertionError("no digit here is wide enough to be two")

    assert [len(row) for row in segment.lines(ink, refuse)] == [1]


# Touching digits as ml.synth draws them, read by the real model ----------------------------------


def touching_number_png(digits: str, crossing: float, height: float = 160, brush: int = 14) -> bytes:
    """``digits`` drawn as ml.synth draws touching numbers: each digit's ink meets the one before
    it and runs ``crossing`` brush widths further into it."""
    glyphs: list[Glyph] = []
    for i, digit in enumerate(digits):
        glyph = Glyph(digit=digit, form=0, x=20.0, y=30, height=height, brush=brush, slant=0.15, width=1.2, seed=i)
        if glyphs:
            glyph = replace(glyph, x=touching_x(glyphs[-1], glyph, crossing=crossing * brush))
        glyphs.append(glyph)
    glyphs, size = _canvas_for(glyphs, 40)
    grey = line(glyphs, size)
    assert components(grey) == 1  # one blob of ink: the digits touch
    return cv2.imencode(".png", grey)[1].tobytes()


@pytest.fixture(scope="module")
def model():
    from ml.model import get_model

    return get_model()


@pytest.mark.parametrize(
    "digits,crossing", [("00", 0.4), ("38", 0.4), ("17", 0.7), ("365", 0.5), ("560", 0.6), ("1234", 0.4)]
)
def test_touching_and_crossing_digits_are_read_one_by_one(model, digits, crossing):
    # "17": the 1 runs into the 7's bar; three and four digits in one blob are cut at once
    assert read(touching_number_png(digits, crossing), multi=True, model=model).number == digits


def letter_png(letter: str, font: int, thickness: int) -> np.ndarray:
    """A letter in one of OpenCV's stroke fonts, dark on white, as ml.handwriting draws non-digits."""
    scale = 12.0 if font == cv2.FONT_HERSHEY_PLAIN else 6.0
    canvas = np.full((280, 280), 255, np.uint8)
    (w, h), _ = cv2.getTextSize(letter, font, scale, thickness)
    cv2.putText(canvas, letter, ((280 - w) // 2, (280 + h) // 2), font, scale, 0, thickness, cv2.LINE_AA)
    return canvas


@pytest.mark.parametrize("letter", ["M", "N", "W"])
@pytest.mark.parametrize("font", [cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_PLAIN])
@pytest.mark.parametrize("thickness", [12, 28])
def test_a_letter_is_not_cut_into_digits(model, letter, font, thickness):
    # each stroke of an M, an N or a W is a 1 to the model, but a number of 1s it is not
    ink = extract_ink(letter_png(letter, font, thickness))
    found = segment.lines(ink, _sureness(model), sure=model.uncertain_below)
    assert [len(row) for row in found] == [1]
