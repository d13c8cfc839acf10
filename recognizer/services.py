"""Every write of a reading goes through here, from the pages and the API alike."""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Final, Literal

import numpy as np
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, QuerySet, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from ml.errors import ImageError
from ml.handwriting import NOT_A_DIGIT
from ml.pipeline import Reading, encode_png, model_inputs, read
from recognizer.engine import model_in_service
from recognizer.models import ONE_ANSWER_MESSAGE, PICTURES_FOLDER, Prediction, StorageUse, label_validator
from recognizer.readings import reading_as_dict
from recognizer.selectors import prediction_list_reviewed_answers

MB = 1024 * 1024

# ``multi`` as a request gives it: one digit, every number, or "auto" (the ink decides, see ml.pipeline.read).
AUTO: Final = "auto"
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
        super().__init__(
            f"The picture is {size_mb(size)}; the limit is {upload_limit_mb()} MB. Send a smaller picture."
        )


class StorageQuotaExceeded(Exception):
    """Saving would take the person's stored pictures past RECOGNIZER_USER_QUOTA_BYTES (HTTP 413)."""

    def __init__(self, *, used: int):
        super().__init__(
            f"Your saved readings' pictures take {size_mb(used)} of the "
            f"{size_mb(settings.RECOGNIZER_USER_QUOTA_BYTES)} each person may keep: delete "
            "readings you no longer need in History, then save this one again."
        )


def image_read(*, image: bytes, multi: Multi, force: bool = False) -> Reading:
    """Read a picture without storing anything (live preview while drawing).

    ``force`` reads the best digit even where the engine says the picture is
    no digit (ml.errors.NotADigit otherwise): the person's "read it anyway".
    """
    if len(image) > settings.RECOGNIZER_MAX_UPLOAD_BYTES:
        raise UploadTooLarge(len(image))
    return read(image, multi=multi is True, auto=multi == AUTO, force=force, model=model_in_service())


def prediction_create(*, user: User, image: bytes, multi: Multi, source: str, force: bool = False) -> Prediction:
    """Read a picture and store the reading with the picture, or store nothing.

    A refusal (blank, not a digit, unreadable, over the storage quota) raises
    before anything is kept; a forced reading is stored with ``forced`` set, so
    staff can find it. What is stored is the picture the engine read, encoded
    again, never the bytes received: a file can carry anything after its pixels.

    The file is written inside the row's transaction and removed if anything
    fails, so a row is committed only with its whole file. A worker killed
    between the file and the commit leaves a file without a row, which
    ``manage.py check_storage`` finds; never a row without its file.
    """
    if source not in Prediction.Source.values:
        known = ", ".join(Prediction.Source.values)
        raise ValidationError({"source": f"Unknown source {source!r}; use one of {known}."})
    reading = image_read(image=image, multi=multi, force=force)
    png = encode_png(reading.picture)
    prediction = Prediction(user=user, source=source, image_bytes=len(png), **reading_as_dict(reading))
    try:
        with transaction.atomic():
            _storage_take(user=user, size=len(png))
            prediction.image.save("input.png", ContentFile(png), save=False)
            prediction.save()
    except BaseException:  # a worker's timeout too: no file for a row that was never stored
        if prediction.image:
            prediction.image.delete(save=False)
        raise
    return prediction


def _storage_take(*, user: User, size: int) -> None:
    """Count ``size`` more bytes against the person's quota, or raise StorageQuotaExceeded.

    One conditional UPDATE, so two saves at once cannot both take the last
    bytes; the person's count is made at their first save.
    """
    within = StorageUse.objects.filter(pk=user.pk, bytes__lte=settings.RECOGNIZER_USER_QUOTA_BYTES - size)
    if within.update(bytes=F("bytes") + size):
        return
    use, _ = StorageUse.objects.get_or_create(user=user)  # made here, or by a save that was faster
    if not within.update(bytes=F("bytes") + size):
        raise StorageQuotaExceeded(used=use.bytes)


def _storage_give(*, user_id: int, size: int) -> None:
    """Give back a deleted picture's bytes (never below 0, should the count have drifted)."""
    StorageUse.objects.filter(pk=user_id).update(bytes=Greatest(F("bytes") - size, Value(0)))


@transaction.atomic
def prediction_correct(
    *, prediction: Prediction, correct_label: str | None, marked_not_a_digit: bool = False
) -> Prediction:
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
    """ "Yes, that's right": the digits read are the digits the picture shows."""
    return prediction_correct(prediction=prediction, correct_label=prediction.number)


def prediction_mark_not_digit(*, prediction: Prediction) -> Prediction:
    """ "Not a digit": whatever was read, the picture shows no digit (the model's eleventh class)."""
    return prediction_correct(prediction=prediction, correct_label=None, marked_not_a_digit=True)


def prediction_answer_clear(*, prediction: Prediction) -> Prediction:
    """Take back the answer, whichever it was."""
    return prediction_correct(prediction=prediction, correct_label=None)


@transaction.atomic
def prediction_review(*, prediction: Prediction, reviewer: User, correct_label: str | None = None) -> Prediction:
    """A staff member confirms (or corrects) a reading, for the next training set."""
    if correct_label is not None:
        prediction_correct(prediction=prediction, correct_label=correct_label)
    prediction.reviewed = True
    prediction.reviewed_by = reviewer
    prediction.reviewed_at = timezone.now()
    prediction.save(update_fields=["reviewed", "reviewed_by", "reviewed_at"])
    return prediction


def prediction_delete(*, prediction: Prediction) -> None:
    """Delete the row, and its picture once the deletion is committed (never a row without its file)."""
    predictions_delete(readings=Prediction.objects.filter(pk=prediction.pk))


def prediction_prune(*, older_than: datetime) -> int:
    """Delete every reading made before ``older_than``, with its picture: the retention rule.

    Returns how many readings were deleted.
    """
    return predictions_delete(readings=Prediction.objects.filter(created_at__lt=older_than))


DELETE_BATCH = 500


def predictions_delete(*, readings: QuerySet[Prediction]) -> int:
    """Delete these readings, give their bytes back to their owners, then remove their pictures.

    Batch by batch, each in a transaction of its own, so a long deletion holds
    no lock for long; the pictures go once their rows' deletion is committed.
    """
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                readings.select_for_update()
                .order_by("pk")
                .values_list("pk", "user_id", "image", "image_bytes")[:DELETE_BATCH]
            )
            if not batch:
                return deleted
            Prediction.objects.filter(pk__in=[pk for pk, *_ in batch]).delete()
            freed: Counter[int] = Counter()
            for _, user_id, _, size in batch:
                freed[user_id] += size
            for user_id, size in freed.items():
                _storage_give(user_id=user_id, size=size)
            names = [name for _, _, name, _ in batch if name]
            transaction.on_commit(partial(_files_delete, names))
        deleted += len(batch)


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)  # a file already gone is no error


# A file younger than this may belong to a save still in progress (gunicorn ends
# a request after 30 s), so it is never taken for an orphan.
ORPHAN_AGE = timedelta(minutes=10)


@dataclass(frozen=True)
class StorageCheck:
    files: int  # stored files seen
    readings: int
    files_without_readings: tuple[str, ...]  # storage names, older than ORPHAN_AGE
    readings_without_files: tuple[int, ...]  # Prediction ids
    miscounted: tuple[int, ...]  # ids of people whose StorageUse is not the sum of their pictures

    @property
    def sound(self) -> bool:
        return not (self.files_without_readings or self.readings_without_files or self.miscounted)


def storage_check() -> StorageCheck:
    """Compare the pictures' files (PICTURES_FOLDER) with the readings' rows, and each person's count.

    The rows are listed before the files: a reading saved meanwhile has its file
    already, and a file saved meanwhile is too young to be called an orphan.
    """
    rows = dict(Prediction.objects.values_list("image", "pk"))
    files = set(_stored_files(PICTURES_FOLDER))
    old_enough = timezone.now() - ORPHAN_AGE
    orphans = sorted(name for name in files - rows.keys() if default_storage.get_modified_time(name) < old_enough)
    missing = sorted(pk for name, pk in rows.items() if name not in files)
    counted = dict(StorageUse.objects.values_list("pk", "bytes"))
    totals = _storage_totals()
    miscounted = sorted(
        user_id for user_id in counted.keys() | totals.keys() if counted.get(user_id, 0) != totals.get(user_id, 0)
    )
    return StorageCheck(
        files=len(files),
        readings=len(rows),
        files_without_readings=tuple(orphans),
        readings_without_files=tuple(missing),
        miscounted=tuple(miscounted),
    )


def storage_repair(*, check: StorageCheck) -> None:
    """Remove what storage_check found: files without readings, readings without files; then recount.

    A reading whose picture is gone is deleted, not kept and marked: it cannot
    be shown with its boxes, checked by eye, nor become training data, and a
    row without its file is exactly what this promises never to leave.
    """
    _files_delete(list(check.files_without_readings))
    predictions_delete(readings=Prediction.objects.filter(pk__in=check.readings_without_files))
    with transaction.atomic():
        counted = {use.pk: use for use in StorageUse.objects.select_for_update()}  # saves wait meanwhile
        for user_id, total in _storage_totals().items():
            if user_id not in counted:
                StorageUse.objects.create(user_id=user_id, bytes=total)
            elif counted.pop(user_id).bytes != total:
                StorageUse.objects.filter(pk=user_id).update(bytes=total)
        StorageUse.objects.filter(pk__in=counted.keys()).update(bytes=0)  # people with no reading left


def _storage_totals() -> dict[int, int]:
    """Each person's bytes of stored pictures, from their readings' rows."""
    return dict(
        Prediction.objects.order_by()
        .values("user_id")
        .annotate(total=Sum("image_bytes"))
        .values_list("user_id", "total")
    )


def _stored_files(directory: str) -> Iterator[str]:
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:  # no picture stored yet
        return
    for name in files:
        yield posixpath.join(directory, name)
    for sub in directories:
        yield from _stored_files(posixpath.join(directory, sub))


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
