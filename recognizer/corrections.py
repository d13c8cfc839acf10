"""Training data from the site's own readings: what people and reviewers answered, as the model saw it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from recognizer.engine_port import NOT_A_DIGIT, ImageError, model_inputs
from recognizer.selectors import prediction_list_reviewed_answers


@dataclass(frozen=True)
class CorrectionsExport:
    images: int
    not_digits: int  # of the images, those labelled NOT_A_DIGIT
    readings: int
    skipped: tuple[int, ...]  # ids whose digits could not be paired with their label


def corrections_export(*, path: Path, keep: Callable[[int], bool] | None = None) -> CorrectionsExport:
    """Write the reviewed answers as labelled 28x28 images, for ``ml.train --extra``.

    Each stored picture is cut into digits exactly as the model saw it, line
    by line. A correct label's spaces only separate lines, so its digits are
    paired with them in order; a reading whose number of pieces of ink differs
    from its label's digits (a mark left out of the number counts as a piece)
    is skipped, since its digits cannot be paired with the right labels. A
    reading answered "not a digit" needs no pairing: every piece the model
    took for a digit (or the whole picture, read as one digit) is labelled
    NOT_A_DIGIT, the model's eleventh class. ``keep`` chooses readings by id
    (the learning loop holds a fixed share back for evaluation).
    """
    images, labels, skipped, readings = [], [], [], 0
    for prediction in prediction_list_reviewed_answers():
        if keep is not None and not keep(prediction.pk):
            continue
        try:
            with prediction.image.open("rb") as stored:
                digits = model_inputs(stored.read(), multi=prediction.multi)
        except (OSError, ImageError):
            digits = None
        if digits is not None and prediction.marked_not_a_digit:
            label = [NOT_A_DIGIT] * len(digits)
        else:
            label = [int(c) for c in (prediction.correct_label or "").replace(" ", "")]
        if digits is None or len(digits) != len(label):
            skipped.append(prediction.pk)
            continue
        images.append(digits)
        labels.extend(label)
        readings += 1
    if images:
        np.savez_compressed(path, x=np.concatenate(images), y=np.array(labels, np.uint8))
    return CorrectionsExport(
        images=len(labels), not_digits=labels.count(NOT_A_DIGIT), readings=readings, skipped=tuple(skipped)
    )
