"""The other writers' sets: writers kept apart, and pictures made as the site would see them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ml import handwriting as hw
from ml import non_digits, render
from ml.model import NOT_A_DIGIT

ROOT = hw.DEFAULT_ROOT
needs_data = pytest.mark.skipif(not (ROOT / "uji_pen").exists(), reason=f"the shared data sets are not at {ROOT}")


def scan_bytes(scan: np.ndarray | None) -> bytes:
    assert scan is not None, "a scanned set's item is a scan"
    return scan.tobytes()


def test_writers_are_split_three_ways_for_good():
    splits = [hw.writer_split(w) for w in range(60)]
    assert splits.count("train") == 36 and splits.count("calibration") == 12 and splits.count("test") == 12
    assert splits == [hw.writer_split(w) for w in range(60)]


@needs_data
def test_no_uji_writer_is_in_two_splits():
    import json

    raw = json.loads((ROOT / "uji_pen" / "ujipenchars2.json").read_text())["rawData"]
    sizes = {split: len(hw.uji(ROOT, split)) for split in hw.SPLITS}
    assert sum(sizes.values()) == sum(len(v) for v in raw.values())
    assert sizes == {"train": 720, "calibration": 240, "test": 240}


@needs_data
def test_the_one_writers_digits_are_only_measured_and_the_symbols_shared_out():
    train = hw.ipad(ROOT, "train")
    test = hw.ipad(ROOT, "test")
    assert all(item.label == NOT_A_DIGIT for item in train)
    assert {item.source for item in test} == {"ipad digits", "ipad symbols"}


@needs_data
def test_semeion_and_usps_splits_do_not_overlap():
    for loader in (hw.semeion, hw.usps):
        scans = {split: {scan_bytes(item.scan) for item in loader(ROOT, split)} for split in hw.SPLITS}
        assert all(scans.values())
        assert not scans["train"] & scans["test"]


def test_drawn_strokes_fit_the_canvas_in_both_polarities():
    rng = np.random.default_rng(0)
    seven = [np.array([[0, 0], [10, 0], [4, 14]], np.float32)]
    forms = [render.model_form(render.draw_strokes(seven, rng), rng) for _ in range(6)]
    for form in forms:
        assert form is not None and form.shape == (28, 28) and form.dtype == np.uint8
        ys, _xs = np.nonzero(form > 127)
        assert 18 <= ys.max() - ys.min() + 1 <= 21  # its longer side fills MNIST's 20 px box


def test_non_digits_leave_out_what_people_read_as_digits():
    for char in "OolISZBgq|0123456789":
        assert char not in non_digits.NOT_DIGITS
    assert not set(non_digits.FONTS["train"]) & set(non_digits.FONTS["test"])
    pictures = list(non_digits.synthetic_non_digits("test", 20))
    assert len(pictures) == 20 and all(p.shape == (render.CANVAS, render.CANVAS) for p, _ in pictures)
    assert {source for _, source in pictures} == {"letters and symbols", "shapes and scribbles"}


@needs_data
def test_build_makes_labelled_model_forms(tmp_path: Path):
    images = hw.load(ROOT, "calibration", cache=tmp_path, renders=1, non_digits=20)
    assert images.x.shape[1:] == (28, 28) and len(images.x) == len(images.y) == len(images.source)
    assert (images.y[images.source == "uji"] < 10).all()
    assert (images.y[images.source == "shapes and scribbles"] == NOT_A_DIGIT).all()
    again = hw.load(ROOT, "calibration", cache=tmp_path, renders=1, non_digits=20)
    np.testing.assert_array_equal(again.x, images.x)
    assert len(list(tmp_path.glob("*.npz"))) == 1
