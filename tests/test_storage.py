"""Stored pictures: what a person may keep, how long, and never a file without its row or a row without its file."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.utils import timezone

from recognizer import services
from recognizer.models import Prediction, StorageUse
from tests.pictures import digits_png

pytestmark = pytest.mark.django_db


def files_under(root: Path) -> list[str]:
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def saved(user, label: str = "7") -> Prediction:
    return services.prediction_create(user=user, image=digits_png(label), multi=len(label) > 1, source="draw")


def used(user) -> int:
    return StorageUse.objects.get(user=user).bytes


def aged(path: Path, *, minutes: int) -> None:
    """Make a file look as old as a worker killed that long ago would have left it."""
    then = time.time() - minutes * 60
    os.utime(path, (then, then))


def test_each_saved_picture_counts_its_stored_size_against_its_owner(owner, member, settings):
    seven, number = saved(owner, "7"), saved(owner, "2024")
    other = saved(member, "3")
    for prediction in (seven, number, other):
        assert prediction.image.name
        assert prediction.image_bytes == default_storage.size(prediction.image.name) > 0
    assert used(owner) == seven.image_bytes + number.image_bytes
    assert used(member) == other.image_bytes


def test_a_save_past_the_quota_stores_nothing_and_says_what_to_do(owner, settings):
    first = saved(owner)
    settings.RECOGNIZER_USER_QUOTA_BYTES = first.image_bytes + 100
    with pytest.raises(services.StorageQuotaExceeded, match="delete readings you no longer need in History"):
        saved(owner)
    assert Prediction.objects.count() == 1 and files_under(settings.MEDIA_ROOT) == [first.image.name]
    assert used(owner) == first.image_bytes


@pytest.mark.django_db(transaction=True)
def test_saves_at_once_cannot_all_take_the_last_bytes(owner, settings):
    first = saved(owner)
    settings.RECOGNIZER_USER_QUOTA_BYTES = 2 * first.image_bytes + 100  # room for one more of the same
    start, answers = threading.Barrier(4), []

    def save() -> None:
        start.wait()
        try:
            saved(owner)
            answers.append("saved")
        except services.StorageQuotaExceeded:
            answers.append("refused")
        finally:
            connection.close()  # each thread has a connection of its own

    threads = [threading.Thread(target=save) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == ["refused", "refused", "refused", "saved"]
    assert used(owner) == 2 * first.image_bytes == sum(p.image_bytes for p in Prediction.objects.all())
    assert len(files_under(settings.MEDIA_ROOT)) == 2


@pytest.mark.django_db(transaction=True)
def test_a_save_whose_commit_fails_leaves_no_file(django_user_model, settings):
    gone = django_user_model.objects.create_user("gone")
    django_user_model.objects.filter(pk=gone.pk).delete()  # the rows would point to no one: refused at commit
    with pytest.raises(IntegrityError):
        saved(gone)
    assert files_under(settings.MEDIA_ROOT) == [] and not Prediction.objects.exists()


def test_prune_deletes_readings_older_than_the_retention_with_their_pictures(
    owner, settings, django_capture_on_commit_callbacks
):
    old, recent = saved(owner, "1"), saved(owner, "2")
    Prediction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    settings.RECOGNIZER_RETENTION_DAYS = 0
    call_command("prune_predictions", stdout=(out := _Output()))
    assert "Retention is off" in out.text and Prediction.objects.count() == 2

    settings.RECOGNIZER_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        call_command("prune_predictions", stdout=(out := _Output()))
    assert "Deleted 1 reading older than 30 days" in out.text
    assert list(Prediction.objects.all()) == [recent]
    assert files_under(settings.MEDIA_ROOT) == [recent.image.name]
    assert used(owner) == recent.image_bytes


def test_check_storage_reports_orphans_both_ways_and_fix_removes_them(
    owner, member, settings, django_capture_on_commit_callbacks
):
    kept, lost = saved(owner, "1"), saved(member, "2")
    assert kept.image.name and lost.image.name
    media = Path(settings.MEDIA_ROOT)
    (media / lost.image.name).unlink()  # a row whose file is gone
    stray = media / "predictions" / "2026" / "01" / "0123456789abcdef.png"  # a file whose row never came
    stray.parent.mkdir(parents=True)
    stray.write_bytes(digits_png("3"))
    aged(stray, minutes=60)
    in_flight = media / "predictions" / "fedcba9876543210.png"  # a save may be writing this one now
    in_flight.write_bytes(digits_png("4"))
    model = media / "models" / "v1" / "model.onnx"  # not a picture: none of check_storage's business
    model.parent.mkdir(parents=True)
    model.write_bytes(b"onnx")
    aged(model, minutes=60)
    Prediction.objects.filter(pk=kept.pk).delete()  # as the admin deletes: the file stays, the count too
    aged(media / kept.image.name, minutes=60)
    again = saved(owner, "5")
    assert again.image.name

    with pytest.raises(CommandError, match="check_storage --fix"):
        call_command("check_storage", stdout=(out := _Output()))
    assert "4 stored files, 2 readings" in out.text
    orphans = sorted([kept.image.name, "predictions/2026/01/0123456789abcdef.png"])
    assert f"Files without a reading (2): {', '.join(orphans)}" in out.text
    assert f"Readings without their file (1): ids {lost.pk}" in out.text
    assert f"Storage counts that differ from the readings (1): user ids {owner.pk}" in out.text

    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_storage", "--fix", stdout=(out := _Output()))
    assert "Removed 2 files without a reading and 1 reading without a file; recounted the storage." in out.text
    assert list(Prediction.objects.all()) == [again]
    assert files_under(media) == sorted([again.image.name, "predictions/fedcba9876543210.png", "models/v1/model.onnx"])
    assert used(owner) == again.image_bytes and used(member) == 0

    call_command("check_storage", stdout=(out := _Output()))
    assert "Every reading has its file and every file its reading." in out.text


def test_check_storage_will_not_delete_every_reading_when_no_file_is_there(owner, settings):
    reading = saved(owner)
    settings.MEDIA_ROOT = Path(settings.MEDIA_ROOT).parent / "not-mounted"
    with pytest.raises(CommandError, match="is the storage mounted"):
        call_command("check_storage", "--fix", stdout=_Output())
    assert Prediction.objects.filter(pk=reading.pk).exists()


class _Output:
    """A command's stdout, kept as text."""

    def __init__(self):
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass
