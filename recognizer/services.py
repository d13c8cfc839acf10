"""Every write of a reading goes through here, from the pages and the API alike."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ml.errors import ImageError
from ml.handwriting import NOT_A_DIGIT
from ml.pipeline import Reading, model_inputs, read
from recognizer.engine import model_in_service
from recognizer.models import ONE_ANSWER_MESSAGE, Prediction, label_validator
from recognizer.readings import reading_as_dict
from recognizer.selectors import prediction_list_reviewed_answers

logger = logging.getLogger(__name__)


MB = 1024 * 1024

# ``multi`` as a request gives it: one digit, every number, or "auto" (the ink decides, see ml.pipeline.read).
AUTO = "auto"
Multi = bool | Literal["auto"]


def upload_limit_mb() -> str:
    """RECOGNIZER_MAX_UPLOAD_BYTES in MB as people read it: "5", "0.5"."""
    return f"{settings.RECOGNIZER_MAX_UPLOAD_BYTES / MB:g}"


def size_mb(size: int) -> str:
    """A size in bytes as a message shows it: "6.3 MB"."""
    return f"{size / MB:.1f} MB"


class UploadTooLarge(ImageError):
    """The picture's file is over RECOGNIZER_MAX_UPLOAD_BYTES (HTTP 413)."""

    def __init__(self, size: int):
        super().__init__(f"The picture is {size_mb(size)}; the limit is {upload_limit_mb()} MB. "
                         "Send a smaller picture.")


def image_read(*, image: bytes, multi: Multi, force: bool = False) -> Reading:
    """Read a picture without storing anything (live preview while drawing).

    ``force`` reads the best digit even where the engine says the picture is
    no digit (ml.errors.NotADigit otherwise): the person's "read it anyway".
    """
    if len(image) > settings.RECOGNIZER_MAX_UPLOAD_BYTES:
        raise UploadTooLarge(len(image))
    return read(image, multi=multi is True, auto=multi == AUTO, force=force, model=model_in_service())


def prediction_create(*, user: AbstractBaseUser, image: bytes, multi: Multi, source: str,
                      force: bool = False) -> Prediction:
    """Read a picture and store the reading with the picture, or store nothing.

    A refusal (blank, not a digit, unreadable) raises before anything is
    written; a forced reading is stored with ``forced`` set, so staff can find it.
    """
    if source not in Prediction.Source.values:
        raise ValidationError({"source": f"Unknown source {source!r}; use one of {', '.join(Prediction.Source.values)}."})
    reading = image_read(image=image, multi=multi, force=force)
    prediction = Prediction(user=user, source=source, **reading_as_dict(reading))
    prediction.image.save("input.png", ContentFile(reading.png), save=False)
    try:
        with transaction.atomic():
            prediction.save()
    except Exception:
        prediction.image.delete(save=False)  # no orphaned picture for a row that was never stored
        raise
    return prediction


@transaction.atomic
def prediction_correct(*, prediction: Prediction, correct_label: str | None,
                       marked_not_a_digit: bool = False) -> Prediction:
    """Store what the owner (or a reviewer) says the picture shows: its digits, or no digit at all.

    A reading has one answer at most (the model's constraint), so this sets
    the whole of it: digits clear "not a digit" and the other way round, and
    neither (None, False) clears the answer.
    """
    if correct_label is not None:
        if marked_not_a_digit:
            raise ValidationError(ONE_ANSWER_MESSAGE)
        correct_label = correct_label.strip()
        label_validator(correct_label)
    prediction.correct_label = correct_label
    prediction.marked_not_a_digit = marked_not_a_digit
    prediction.save(update_fields=["correct_label", "marked_not_a_digit"])
    return prediction


def prediction_confirm(*, prediction: Prediction) -> Prediction:
    """"Yes, that's right": the digits read are the digits the picture shows."""
    return prediction_correct(prediction=prediction, correct_label=prediction.number)


def prediction_mark_not_digit(*, prediction: Prediction) -> Prediction:
    """"Not a digit": whatever was read, the picture shows no digit (the model's eleventh class)."""
    return prediction_correct(prediction=prediction, correct_label=None, marked_not_a_digit=True)


def prediction_answer_clear(*, prediction: Prediction) -> Prediction:
    """Take back the answer, whichever it was."""
    return prediction_correct(prediction=prediction, correct_label=None)


@transaction.atomic
def prediction_review(*, prediction: Prediction, reviewer: AbstractBaseUser,
                      correct_label: str | None = None) -> Prediction:
    """A staff member confirms (or corrects) a reading, for the next training set."""
    if correct_label is not None:
        prediction_correct(prediction=prediction, correct_label=correct_label)
    prediction.reviewed = True
    prediction.reviewed_by = reviewer
    prediction.reviewed_at = timezone.now()
    prediction.save(update_fields=["reviewed", "reviewed_by", "reviewed_at"])
    return prediction


def prediction_delete(*, prediction: Prediction) -> None:
    """Delete the row, and its picture once the deletion is committed."""
    image = prediction.image
    with transaction.atomic():
        prediction.delete()
        transaction.on_commit(lambda: image.delete(save=False))


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
    return CorrectionsExport(images=len(labels), not_digits=labels.count(NOT_A_DIGIT), readings=readings,
                             skipped=tuple(skipped))
