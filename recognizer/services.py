"""Every write of a reading goes through here, from the pages and the API alike."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import partial
from typing import Final, Literal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from config.sizes import size_mb, upload_limit_mb
from recognizer.engine_port import ImageError, Reading, encode_png, read
from recognizer.model_in_service import model_in_service
from recognizer.models import ONE_ANSWER_MESSAGE, Prediction, StorageUse, label_validator
from recognizer.readings import reading_as_dict
from recognizer.thumbnails import thumbnails_forget

# ``multi`` as a request gives it: one digit, every number, or "auto" (the ink decides, see ml.pipeline.read).
AUTO: Final = "auto"
Multi = bool | Literal["auto"]


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


def upload_size_check(size: int) -> None:
    """The picture limit, checked here and by the API before it reads or decodes a byte of a picture."""
    if size > settings.RECOGNIZER_MAX_UPLOAD_BYTES:
        raise UploadTooLarge(size)


def image_read(*, image: bytes, multi: Multi, force: bool = False) -> Reading:
    """Read a picture without storing anything (live preview while drawing).

    ``force`` reads the best digit even where the engine says the picture is
    no digit (ml.errors.NotADigit otherwise): the person's "read it anyway".
    """
    upload_size_check(len(image))
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
            transaction.on_commit(partial(files_delete, names))
        deleted += len(batch)


def files_delete(names: list[str]) -> None:
    """Remove stored pictures by their storage names (after their rows are gone), and their thumbnails."""
    for name in names:
        default_storage.delete(name)  # a file already gone is no error
    thumbnails_forget(names)
