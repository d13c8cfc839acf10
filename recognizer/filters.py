"""What a list of readings can be filtered by: History's form and the API's query string alike.

One FilterSet, so a filter means the same on the page and in the API:
recognizer.selectors.prediction_list applies it for History, and the API's
DjangoFilterBackend applies it to that selector's list (answering 400 for a
value it does not accept, where History ignores the value) and describes it
in the schema.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from recognizer.models import ANSWER_QUERIES, Answer, Prediction

NOT_SURE = "not_sure"
# The model's own doubt, then what its owner said (recognizer.models.Answer).
STATUS_QUERIES: dict[str, Q] = {NOT_SURE: Q(uncertain=True), **ANSWER_QUERIES}
STATUS_CHOICES = [(NOT_SURE, "Not sure"), *Answer.choices]


class DigitFilter(django_filters.NumberFilter):
    # a digit, not NumberFilter's decimal (its stubs allow only DecimalField here)
    field_class = forms.IntegerField  # type: ignore[assignment]


class PredictionFilter(django_filters.FilterSet):
    digit = DigitFilter(
        label="Digit",
        method="filter_digit",
        min_value=0,
        max_value=9,
        widget=forms.Select(choices=[("", "Any digit")] + [(str(d), str(d)) for d in range(10)]),
        help_text="Readings whose number contains this digit (0-9).",
    )
    source = django_filters.ChoiceFilter(
        label="Source",
        choices=Prediction.Source.choices,
        empty_label="Any source",
        help_text="How the picture came: drawn (draw), uploaded (upload) or sent to the API (api).",
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=STATUS_CHOICES,
        method="filter_status",
        empty_label="Any status",
        help_text="Readings the model was not sure of, or by their answer: none yet, confirmed, corrected to "
        "other digits, or not a digit.",
    )
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at",
        lookup_expr="gte",
        help_text="Readings made at or after this time (ISO 8601, e.g. 2025-01-31T12:00:00Z).",
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Readings made before this time (ISO 8601)."
    )

    class Meta:
        model = Prediction
        fields = ["digit", "source", "status", "created_after", "created_before"]

    def filter_digit(self, queryset: QuerySet[Prediction], name: str, value: int) -> QuerySet[Prediction]:
        # Contains, not equals: single readings and whole numbers alike.
        return queryset.filter(number__contains=str(value))

    def filter_status(self, queryset: QuerySet[Prediction], name: str, value: str) -> QuerySet[Prediction]:
        return queryset.filter(STATUS_QUERIES[value])
