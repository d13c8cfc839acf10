"""Every write of a reading goes through here, from the pages and the API alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ml.errors import ImageError
from ml.pipeline import Reading, model_inputs, read
from recognizer.models import Prediction, label_validator
from recognizer.readings import reading_as_dict
from recognizer.selectors import prediction_list_reviewed_corrections

logger = logging.getLogger(__name__)


MB = 1024 * 1024


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


def image_read(*, image: bytes, multi: bool, force: bool = False) -> Reading:
    """Read a picture without storing anything (live preview while drawing).

    ``force`` reads the best digit even where the engine says the picture is
    no digit (ml.errors.NotADigit otherwise): the person's "read it anyway".
    """
    if len(image) > settings.RECOGNIZER_MAX_UPLOAD_BYTES:
        raise UploadTooLarge(len(image))
    return read(image, multi=multi, force=force)


def prediction_create(*, user: AbstractBaseUser, image: bytes, multi: bool, source: str,
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


def prediction_correct(*, prediction: Prediction, correct_label: str | None) -> Prediction:
    """The owner (or a reviewer) says which digits the picture really shows; None clears it."""
    if correct_label is not None:
        correct_label = correct_label.strip()
        label_validator(correct_label)
    prediction.correct_label = correct_label
    prediction.save(update_fields=["correct_label"])
    return prediction


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
    readings: int
    skipped: tuple[int, ...]  # ids whose digits could not be paired with their label


def corrections_export(*, path: Path) -> CorrectionsExport:
    """Write the reviewed readings as labelled 28x28 digits, for ``ml.train --extra``.

    Each stored picture is cut into digits exactly as the model saw it, line
    by line; the label's spaces only separate lines, so its digits are paired
    with them in order. A reading whose number of pieces of ink differs from its
    label's digits (a mark left out of the number counts as a piece) is skipped,
    since its digits cannot be paired with the right labels.
    """
    images, labels, skipped, readings = [], [], [], 0
    for prediction in prediction_list_reviewed_corrections():
        try:
            with prediction.image.open("rb") as stored:
                digits = model_inputs(stored.read(), multi=prediction.multi)
        except (OSError, ImageError):
            digits = None
        label = prediction.correct_label.replace(" ", "")
        if digits is None or len(digits) != len(label):
            skipped.append(prediction.pk)
            continue
        images.append(digits)
        labels.extend(int(c) for c in label)
        readings += 1
    if images:
        np.savez_compressed(path, x=np.concatenate(images), y=np.array(labels, np.uint8))
    return CorrectionsExport(images=len(labels), readings=readings, skipped=tuple(skipped))
