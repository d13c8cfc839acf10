"""Reads of model versions and of which one serves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Max, Min, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.utils import timezone

from learning.models import ModelVersion, Serving
from ml.model import read_card
from recognizer.models import ANSWER_QUERIES, Answer, Prediction


def model_version_committed() -> ModelVersion:
    """The repository's model as a version, recorded the first time it is asked for.

    It serves until someone promotes another: a fresh clone needs no step.
    """
    card = read_card()
    found = ModelVersion.objects.filter(version=card["version"]).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ModelVersion.objects.create(
                version=card["version"],
                committed=True,
                card=card,
                command=card.get("training_command", ""),
                status=ModelVersion.Status.READY if Serving.objects.exists() else ModelVersion.Status.SERVING,
            )
    except IntegrityError:  # another process recorded it first
        return ModelVersion.objects.get(version=card["version"])


def model_version_list() -> QuerySet[ModelVersion]:
    model_version_committed()
    return ModelVersion.objects.select_related("started_by", "promoted_by")


def model_version_get(*, version: str) -> ModelVersion | None:
    return model_version_list().filter(version=version).first()


def model_version_serving() -> ModelVersion:
    """The version that serves: the one the Serving row names, else the committed one."""
    serving = Serving.objects.select_related("version").filter(pk=1).first()
    return serving.version if serving is not None else model_version_committed()


def serving_version_name() -> str | None:
    """The cheap stamp every app server polls: the serving version's name, or None for the committed model."""
    return Serving.objects.filter(pk=1).values_list("version__version", flat=True).first()


def model_version_training() -> ModelVersion | None:
    return ModelVersion.objects.filter(
        status__in=[ModelVersion.Status.TRAINING, ModelVersion.Status.EVALUATING]
    ).first()


# --- Staff review and the dashboard -------------------------------------------------


def review_queue(*, skipped: Sequence[int] = ()) -> QuerySet[Prediction]:
    """Readings worth a look, the most useful first: answered by their owner (a correction or "not a
    digit" to confirm), read anyway past a refusal, then not sure; oldest first within each."""
    worth = Q(correct_label__isnull=False) | Q(marked_not_a_digit=True) | Q(forced=True) | Q(uncertain=True)
    rank = Case(
        When(Q(correct_label__isnull=False) | Q(marked_not_a_digit=True), then=0), When(forced=True, then=1), default=2
    )
    return (
        Prediction.objects.filter(worth, reviewed=False)
        .exclude(pk__in=list(skipped))
        .annotate(rank=rank)
        .order_by("rank", "created_at", "id")
    )


class DayCount(TypedDict):
    day: dt.date
    readings: int
    corrected: int


def readings_per_day(*, days: int = 30) -> list[DayCount]:
    """[{day, readings, corrected}] for the last ``days`` days with readings, oldest first."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        Prediction.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(
            readings=Count("id"),
            corrected=Count("id", filter=ANSWER_QUERIES[Answer.CORRECTED] | ANSWER_QUERIES[Answer.NOT_A_DIGIT]),
        )
        .order_by("day")
    )


def accuracy_by_version() -> list[dict]:
    """For each model version, of the readings people answered: how many, and the share it read right."""
    answered = ~ANSWER_QUERIES[Answer.UNANSWERED]
    rows = (
        Prediction.objects.filter(answered)
        .values("model_version")
        .annotate(
            answered=Count("id"),
            right=Count("id", filter=ANSWER_QUERIES[Answer.CONFIRMED]),
            first=Min("created_at"),
            last=Max("created_at"),
        )
        .order_by("first")
    )
    return [{**r, "accuracy": r["right"] / r["answered"]} for r in rows]


def corrected_digits_confusion() -> list[list[int]]:
    """10x10 counts of one-digit readings that carry an answer: rows what was read, columns the answer."""
    matrix = [[0] * 10 for _ in range(10)]
    answered = Prediction.objects.filter(multi=False, correct_label__regex=r"^[0-9]$").values_list(
        "digit", "correct_label"
    )
    for read_as, label in answered:
        if read_as is not None and label is not None:  # the label is one digit: never None here
            matrix[read_as][int(label)] += 1
    return matrix
