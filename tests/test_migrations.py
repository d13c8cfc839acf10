"""The migrations: readings stored before each keep what they had and gain what it adds."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.pictures import digits_png

BEFORE = [("recognizer", "0001_initial")]
AFTER = [("recognizer", "0002_reading_lines_refusals")]

# What every reading has had since the first migration, and a one-digit reading of 4.
STORED = {"source": "draw", "width": 280, "height": 280, "model_version": "old", "duration_ms": 1.0}
FOUR = {"multi": False, "digit": 4, "confidence": 0.99, "number": "4"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    """The database as the other tests expect it: every migration applied."""
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_existing_readings_get_one_line_and_their_uncertain_flag(django_user_model):
    old = migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="olivia")
    Prediction = old.get_model("recognizer", "Prediction")
    common = {"user_id": user.pk, "image": "", **STORED}
    digits = [
        {"digit": 4, "confidence": 0.99, "probabilities": [0.1] * 10, "box": [10, 20, 30, 40], "uncertain": False},
        {"digit": 7, "confidence": 0.6, "probabilities": [0.1] * 10, "box": [50, 15, 30, 40], "uncertain": True},
    ]
    number = Prediction.objects.create(multi=True, confidence=0.6, digits=digits, number="47", **common)
    single = Prediction.objects.create(
        multi=False, digit=4, confidence=0.99, probabilities=[0.1] * 10, digits=digits[:1], number="4", **common
    )
    try:
        new = migrate(AFTER)
        Prediction = new.get_model("recognizer", "Prediction")
        number, single = Prediction.objects.get(pk=number.pk), Prediction.objects.get(pk=single.pk)

        with_not_digit = [{**d, "not_digit": 0.0} for d in digits]
        assert number.digits == with_not_digit
        assert number.lines == [{"number": "47", "box": [10, 15, 70, 45], "digits": with_not_digit}]
        assert number.uncertain is True and number.ignored == [] and number.forced is False
        assert (number.separate_digits, number.notice) == (1, None)
        assert single.lines == [{"number": "4", "box": [10, 20, 30, 40], "digits": with_not_digit[:1]}]
        assert single.uncertain is False
    finally:
        latest()  # whatever happened


@pytest.mark.django_db(transaction=True)
def test_existing_answers_are_kept_and_no_reading_is_marked_not_a_digit(django_user_model):
    old = migrate(AFTER)
    user = old.get_model("auth", "User").objects.create(username="olivia")
    Prediction = old.get_model("recognizer", "Prediction")
    common = {"user_id": user.pk, "image": "", **STORED, **FOUR}
    corrected = Prediction.objects.create(correct_label="9", **common)
    plain = Prediction.objects.create(**common)
    try:
        new = migrate([("recognizer", "0003_review_answers")])
        Prediction = new.get_model("recognizer", "Prediction")
        corrected, plain = Prediction.objects.get(pk=corrected.pk), Prediction.objects.get(pk=plain.pk)
        assert (corrected.correct_label, corrected.marked_not_a_digit) == ("9", False)
        assert (plain.correct_label, plain.marked_not_a_digit) == (None, False)
    finally:
        latest()


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_the_pictures_stored_before_it(owner):
    old = migrate([("recognizer", "0003_review_answers")])
    try:
        OldPrediction = old.get_model("recognizer", "Prediction")
        common = {"user_id": owner.pk, **STORED, **FOUR}
        name = default_storage.save("predictions/2025/12/old.png", ContentFile(digits_png("4")))
        with_file = OldPrediction.objects.create(image=name, **common)
        without = OldPrediction.objects.create(image="predictions/2025/12/missing.png", **common)
        new = migrate([("recognizer", "0004_picture_sizes_and_storage_use")])
        Migrated = new.get_model("recognizer", "Prediction")
        assert Migrated.objects.get(pk=with_file.pk).image_bytes == default_storage.size(name)
        assert Migrated.objects.get(pk=without.pk).image_bytes == 0
        assert new.get_model("recognizer", "StorageUse").objects.get(pk=owner.pk).bytes == default_storage.size(name)
    finally:
        latest()
