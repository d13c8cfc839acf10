"""Digits that touch: cut where a scorer is sure of the parts, as benchmarks.synth draws touching numbers and
the real model reads them; a letter is not cut into digits."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from benchmarks.glyphs import Glyph, draw
from benchmarks.synth import _canvas_for, touching_x
from ml import segment, touching
from ml.ink import extract_ink
from ml.pipeline import _sureness, read
from tests.ml.segment_pictures import components, ink_box, line, overlap


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
    covered = np.zeros_like(ink.mask)
    for d in found:  # the picture is at working scale: boxes are in the mask's pixels
        x, y, w, h = d.box
        covered[y : y + h, x : x + w] |= d.mask
    assert np.array_equal(covered, ink.mask)  # every pixel goes to a part (some, past a cut, to two)


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


def test_a_single_digit_the_scorer_is_sure_of_is_never_cut():
    glyph = Glyph(digit="8", form=0, x=60, y=50, height=180, brush=16, slant=0.1)
    ink = extract_ink(line([glyph], (280, 280)))
    calls = []

    def sure_of_it_whole(masks):
        calls.append(len(masks))
        return np.full(len(masks), 0.99999)

    assert [len(row) for row in segment.lines(ink, sure_of_it_whole, sure=0.9)] == [1]
    assert calls == [1]  # asked about the whole digit once, and no cut searched


def test_a_pair_as_narrow_as_one_digit_is_cut_when_the_whole_is_doubted():
    glyphs, size = touching_number("71", crossing=0.7)
    ink = extract_ink(line(glyphs, size))
    (blob,) = segment.split(ink)
    assert blob.box[2] < touching.SPLIT_WIDTH * blob.box[3]  # no wider than many single digits
    (found,) = segment.lines(ink, knows(glyphs, size), sure=0.9)
    assert len(found) == 2
    for glyph, digit in zip(glyphs, found, strict=True):
        assert overlap(digit.box, ink_box(glyph, size)) > 0.7  # the 7's bar runs over the 1: the cut takes its end


@pytest.mark.parametrize(
    "answers,parts",
    [
        ([(0.5, 6), (0.995, 2)], 2),  # a crossing "62": half sure of the 6, far surer of both than of the blob
        ([(0.5, 1), (0.995, 7)], 1),  # as doubtful a 1 is how a letter's stroke reads
        ([(0.3, 6), (0.995, 2)], 1),  # a part hardly a digit at all
    ],
)
def test_a_blob_doubted_whole_and_in_part_is_cut_only_into_fairly_sure_digits_none_a_1(answers, parts):
    ink = np.ones((100, 160), np.uint8)
    left, right = touching._Piece(0, 0, ink[:, :80]), touching._Piece(80, 0, ink[:, 80:])
    lattice = touching._Lattice(touching._Piece(0, 0, ink), 3, [(0, 1, left), (1, 2, right)])
    assert np.log(0.5 / 0.5) + np.log(0.995 / 0.005) < 2 * touching.STRONG_PATH  # not the second pass's
    assert len(touching._best_path(lattice, 0.05, answers, height=100, sure=0.9)) == parts


def test_each_part_is_also_tried_with_its_neighbours_ink_past_the_cuts_at_a_cost():
    glyphs, size = touching_number("62", crossing=0.7)
    (blob,) = segment.split(extract_ink(line(glyphs, size)))
    piece = touching._Piece(0, 0, blob.mask)
    lattice = touching._lattice(piece, height=blob.box[3])
    cut = {(i, j): part for i, j, part in lattice.edges if not part.overlaps}
    wide = {(i, j): part for i, j, part in lattice.edges if part.overlaps}
    both = set(wide) & set(cut)  # (a part may reach a digit's size only past its cuts)
    assert both
    for key in both:
        part = wide[key]
        assert part.mask.sum() > cut[key].mask.sum()
        assert part.left <= cut[key].left and part.left + part.mask.shape[1] >= cut[key].left + cut[key].mask.shape[1]
        value = touching._part_value(part, 0.99, blob.box[3])
        assert value == pytest.approx(touching._part_value(replace(part, overlaps=False), 0.99, blob.box[3]) - 0.5)


def touching_number(
    digits: str, crossing: float, height: float = 160, brush: int = 14
) -> tuple[list[Glyph], tuple[int, int]]:
    """``digits`` drawn as benchmarks.synth draws touching numbers: each digit's ink meets the one before
    it and runs ``crossing`` brush widths further into it."""
    glyphs: list[Glyph] = []
    for i, digit in enumerate(digits):
        glyph = Glyph(digit=digit, form=0, x=20.0, y=30, height=height, brush=brush, slant=0.15, width=1.2, seed=i)
        if glyphs:
            glyph = replace(glyph, x=touching_x(glyphs[-1], glyph, crossing=crossing * brush))
        glyphs.append(glyph)
    return _canvas_for(glyphs, 40)


def touching_number_png(digits: str, crossing: float) -> bytes:
    grey = line(*touching_number(digits, crossing))
    assert components(grey) == 1  # one blob of ink: the digits touch
    return cv2.imencode(".png", grey)[1].tobytes()


@pytest.fixture(scope="module")
def model():
    from ml.model import get_model

    return get_model()


@pytest.mark.parametrize(
    "digits,crossing",
    [
        *[("00", 0.4), ("38", 0.4), ("17", 0.7), ("12", 1.0), ("365", 0.5), ("560", 0.6), ("1234", 0.4)],
        *[("09", 0.7), ("62", 0.7), ("90", 1.0), ("002", 1.0)],
    ],
)
def test_touching_and_crossing_digits_are_read_one_by_one(model, digits, crossing):
    # "17": the 1 runs into the 7's bar; "12" is no wider than one digit, but doubted whole;
    # three and four digits in one blob are cut at once; the second row cross so far that
    # one of each pair is only read with its neighbour's ink past the cut (touching.OVERLAP)
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
