"""Query-string filters of the list of predictions.

The FilterSet validates the query string (a bad value is a 400 naming the
filter) and describes it in the schema; the filtering itself is
recognizer.selectors.prediction_list, the one place that defines what each
filter means (``digit`` finds numbers that contain the digit).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet

from recognizer import selectors
from recognizer.models import Prediction


class DigitFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class PredictionFilter(django_filters.FilterSet):
    digit = DigitFilter(min_value=0, max_value=9,
                        help_text="Readings whose number contains this digit (0-9).")
    source = django_filters.ChoiceFilter(choices=Prediction.Source.choices, help_text="draw, upload or api.")
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte",
        help_text="Readings made at or after this time (ISO 8601, e.g. 2025-01-31T12:00:00Z).")
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt",
        help_text="Readings made before this time (ISO 8601).")

    class Meta:
        model = Prediction
        fields = ["digit", "source", "created_after", "created_before"]

    def filter_queryset(self, queryset: QuerySet[Prediction]) -> QuerySet[Prediction]:
        chosen = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        # `queryset` is already the person's own (prediction_list without filters);
        # the selector applies the filters with the site's meaning of each.
        return queryset & selectors.prediction_list(user=self.request.user, **chosen)
