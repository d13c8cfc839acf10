"""Touching pairs for training: whole pairs are no digit, halves are their own digit."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ml.model import NOT_A_DIGIT
from ml.pairs import touching_forms, touching_pair

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mnist_test_sample.npz"


def _digits() -> tuple[np.ndarray, np.ndarray]:
    with np.load(FIXTURE) as sample:
        return sample["x"][:200], sample["y"][:200]


def test_a_pair_holds_both_digits_ink_side_by_side_meeting_near_the_middle():
    x, _ = _digits()
    rng = np.random.default_rng(0)
    pair, meet = touching_pair(x[0], x[1], rng)
    assert pair.shape[1] > 28  # wider than one digit
    assert pair.sum(dtype=np.int64) >= max(x[0].sum(dtype=np.int64), x[1].sum(dtype=np.int64))
    inked = np.flatnonzero(pair.max(axis=0))
    assert inked[0] < meet < inked[-1]
    # Left of where they meet is mostly the first digit, right of it mostly the second.
    assert pair[:, :meet].sum(dtype=np.int64) > 0.6 * x[0].sum(dtype=np.int64)
    assert pair[:, meet:].sum(dtype=np.int64) > 0.6 * x[1].sum(dtype=np.int64)


def test_forms_are_in_the_models_shape_and_labelled_whole_or_by_half():
    x, y = _digits()
    forms, labels = touching_forms(x, y, 90, np.random.default_rng(1))
    assert forms.shape == (90, 28, 28) and forms.dtype == np.uint8
    assert set(np.unique(labels)) <= {*range(10), NOT_A_DIGIT}
    whole = np.mean(labels == NOT_A_DIGIT)
    assert 0.15 < whole < 0.55  # about a third whole pairs, the rest halves
    assert (forms.reshape(90, -1).max(axis=1) > 0).all()
