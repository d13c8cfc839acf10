"""Reads of model versions and of which one serves."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from learning.models import ModelVersion, Serving
from ml.model import read_card


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
                version=card["version"], committed=True, card=card, command=card.get("training_command", ""),
                status=ModelVersion.Status.READY if Serving.objects.exists() else ModelVersion.Status.SERVING)
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
    return ModelVersion.objects.filter(status__in=[ModelVersion.Status.TRAINING,
                                                   ModelVersion.Status.EVALUATING]).first()
