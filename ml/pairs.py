"""Touching pairs made from MNIST's training digits, for the model that cuts them apart.

ml.touching cuts a blob of touching digits where the model is surest of the
parts, and keeps the blob whole when the model is sure of it whole. A model
that has only seen single digits is sure of too much: a touching "18" reads as
a confident 6, and a part cut through crossing strokes, carrying a sliver of
its neighbour, reads as another digit. So training shows it both: a pair
whole, as "not a digit", and each half cut near where the two digits meet,
sliver and all, as its own digit. Every picture goes through the pipeline's
own forms (render.whole_form), as a blob on a canvas would.
"""

from __future__ import annotations

import numpy as np

from ml.model import NOT_A_DIGIT
from ml.render import whole_form

OVERLAP = (-1, 4)  # px (of MNIST's 28) by which the second digit's ink reaches back over the first's
LIFT = 3  # px: the second digit sits up to this much higher or lower
CUT_JITTER = 2  # px: how far from the middle of the overlap a half is cut
WHOLE_SHARE = 1 / 3  # of the pictures, whole pairs ("not a digit"); the rest are halves


def _columns(image: np.ndarray) -> tuple[int, int]:
    """The first and last columns holding ink."""
    inked = np.flatnonzero(image.max(axis=0) > 0)
    return int(inked[0]), int(inked[-1])


def touching_pair(left: np.ndarray, right: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """Two 28x28 digits side by side, the right one's ink reaching back over the left's end;
    and the column in the middle of where they meet."""
    _, left_end = _columns(left)
    right_start, _ = _columns(right)
    shift = left_end - right_start - int(rng.integers(*OVERLAP))
    lift = int(rng.integers(-LIFT, LIFT + 1))
    width = max(28, shift + 28)
    pair = np.zeros((28 + 2 * LIFT, width), np.uint8)
    pair[LIFT : LIFT + 28, :28] = left
    placed = pair[LIFT + lift : LIFT + lift + 28, shift : shift + 28]
    np.maximum(placed, right, out=placed)
    return pair, (left_end + shift + right_start) // 2


def touching_forms(
    images: np.ndarray, labels: np.ndarray, count: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` pictures in the model's form: whole pairs labelled NOT_A_DIGIT, and halves
    labelled with their own digit."""
    forms: list[np.ndarray] = []
    names: list[int] = []
    while len(forms) < count:
        i, j = (int(k) for k in rng.integers(len(images), size=2))
        pair, meet = touching_pair(images[i], images[j], rng)
        choice = rng.uniform()
        cut = meet + int(rng.integers(-CUT_JITTER, CUT_JITTER + 1))
        if choice < WHOLE_SHARE:
            picture, label = pair, NOT_A_DIGIT
        elif choice < (1 + WHOLE_SHARE) / 2:
            picture, label = pair[:, :cut], int(labels[i])
        else:
            picture, label = pair[:, cut:], int(labels[j])
        form = whole_form(picture)
        if form is not None:
            forms.append(form)
            names.append(label)
    return np.stack(forms), np.array(names, np.uint8)
