"""Reads of stored readings; every one is scoped to the person asking."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from recognizer.models import Prediction


def prediction_list(*, user: AbstractBaseUser, digit: int | None = None, source: str | None = None,
                    created_after: dt.datetime | None = None,
                    created_before: dt.datetime | None = None) -> QuerySet[Prediction]:
    """The person's own readings, newest first.

    ``digit`` matches a reading whose number contains that digit, so it finds
    single readings and the numbers read with "Predict all digits" alike.
    """
    qs = Prediction.objects.filter(user=user)
    if digit is not None:
        qs = qs.filter(number__contains=str(digit))
    if source:
        qs = qs.filter(source=source)
    if created_after:
        qs = qs.filter(created_at__gte=created_after)
    if created_before:
        qs = qs.filter(created_at__lt=created_before)
    return qs.order_by("-created_at", "-id")


def prediction_list_reviewed_corrections() -> QuerySet[Prediction]:
    """Readings a reviewer checked and labelled: the site's own training data."""
    return Prediction.objects.filter(reviewed=True, correct_label__isnull=False).order_by("id")


def prediction_get(*, user: AbstractBaseUser, pk: int) -> Prediction | None:
    """One of the person's own readings; None for anyone else's, so callers answer 404."""
    return Prediction.objects.filter(user=user, pk=pk).first()


def prediction_get_for_viewer(*, user: AbstractBaseUser, pk: int) -> Prediction | None:
    """Like prediction_get, but staff may see any reading (to review it)."""
    if user.is_staff:
        return Prediction.objects.filter(pk=pk).first()
    return prediction_get(user=user, pk=pk)
