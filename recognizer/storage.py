"""The pictures' files against the readings' rows: what ``manage.py check_storage`` finds and mends.

A save writes its file inside its row's transaction and a deletion removes the
file after its row (recognizer.services), so what a killed worker can leave is
a file without a row; this finds that, and anything else that went astray.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from recognizer.models import PICTURES_FOLDER, Prediction, StorageUse
from recognizer.services import files_delete, predictions_delete

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
    files_delete(list(check.files_without_readings))
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
