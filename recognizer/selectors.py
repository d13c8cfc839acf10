"""Reads of stored readings; every one is scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import QueryDict

from recognizer.filters import PredictionFilter
from recognizer.models import Prediction

NEWEST_FIRST = ("-created_at", "-id")


def prediction_list(*, user: User, filters: QueryDict | dict[str, str] | None = None) -> QuerySet[Prediction]:
    """The person's own readings, newest first, filtered by recognizer.filters.PredictionFilter.

    ``filters`` is a query string's values (History's form); a value the
    FilterSet does not accept is left out rather than refused, so an old or
    edited address still shows a page.
    """
    own = Prediction.objects.filter(user=user).order_by(*NEWEST_FIRST)
    return own if filters is None else PredictionFilter(filters, queryset=own).qs


@dataclass(frozen=True)
class Neighbours:
    newer: Prediction | None
    older: Prediction | None


def prediction_neighbours(
    *, user: User, prediction: Prediction, filters: QueryDict | dict[str, str] | None = None
) -> Neighbours:
    """The readings just before and after this one in the person's History (with its filters).

    By its place in History's order rather than by membership, so a reading
    that no longer matches the filters (just answered, say) still leads on.
    """
    readings = prediction_list(user=user, filters=filters).exclude(pk=prediction.pk)
    at = prediction.created_at
    newer = Q(created_at__gt=at) | Q(created_at=at, id__gt=prediction.pk)
    older = Q(created_at__lt=at) | Q(created_at=at, id__lt=prediction.pk)
    return Neighbours(
        newer=readings.filter(newer).order_by("created_at", "id").first(), older=readings.filter(older).first()
    )


def prediction_list_reviewed_answers() -> QuerySet[Prediction]:
    """Readings a reviewer checked that carry an answer (digits, or not a digit): the site's own training data."""
    return (
        Prediction.objects.filter(reviewed=True)
        .filter(Q(correct_label__isnull=False) | Q(marked_not_a_digit=True))
        .order_by("id")
    )


def prediction_get(*, user: User, pk: int) -> Prediction | None:
    """One of the person's own readings; None for anyone else's, so callers answer 404."""
    return Prediction.objects.filter(user=user, pk=pk).first()


def prediction_get_for_viewer(*, user: User, pk: int) -> Prediction | None:
    """Like prediction_get, but staff may see any reading (to review it)."""
    if user.is_staff:
        return Prediction.objects.filter(pk=pk).first()
    return prediction_get(user=user, pk=pk)
