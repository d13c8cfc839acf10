"""Staff review of readings: see the picture and its boxes, confirm or correct the digits.

Readings are made only by the service (the pages and the API), so the admin
cannot add one, and the reading itself is read-only: a reviewer changes
nothing but the answer (``correct_label``, or ``marked_not_a_digit``), and
saving marks the reading reviewed.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.signed_in import signed_in
from recognizer import services
from recognizer.models import ANSWER_QUERIES, Answer, Prediction
from recognizer.presentation import ADMIN_MEDIA, marks_shown, percent, reading_shown


class AnswerFilter(admin.SimpleListFilter):
    """By the answer its owner or a reviewer gave (recognizer.models.Answer), as History filters."""

    title = "answer"
    parameter_name = "answer"

    def lookups(self, request, model_admin):
        return Answer.choices

    def queryset(self, request, queryset):
        answer = self.value()
        if answer is not None and answer in ANSWER_QUERIES:
            return queryset.filter(ANSWER_QUERIES[answer])
        return queryset


class _FlagFilter(admin.SimpleListFilter):
    """Two choices over one stored flag (the first: set, the second: not set), in a reviewer's words
    rather than the Yes and No of a plain boolean filter."""

    field: str
    flag_choices: tuple[tuple[str, str], tuple[str, str]]

    def lookups(self, request, model_admin):
        return self.flag_choices

    def queryset(self, request, queryset):
        (when_set, _), (when_unset, _) = self.flag_choices
        value = self.value()
        if value in (when_set, when_unset):
            return queryset.filter(**{self.field: value == when_set})
        return queryset


class ConfidenceFilter(_FlagFilter):
    """By the flag stored with each reading: each model has its own threshold (its card's), so a
    fixed cut on ``confidence`` would disagree with what people were shown."""

    title = "confidence"
    parameter_name = "confidence"
    field = "uncertain"
    flag_choices = (("low", "Not sure (flagged)"), ("high", "Sure"))


class RefusalFilter(_FlagFilter):
    """Readings the engine refused as no digit and that were read anyway ("Read it anyway", force=true):
    the ones to check first, and a source of negatives for the next model."""

    title = "refusal"
    parameter_name = "refusal"
    field = "forced"
    flag_choices = (("forced", "Forced past a refusal"), ("accepted", "Not refused"))


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "thumbnail",
        "number",
        "confidence_display",
        "forced",
        "answer_display",
        "reviewed",
        "source",
        "user",
        "created_at",
    )
    list_display_links = ("id", "thumbnail", "number")
    list_filter = (
        "reviewed",
        AnswerFilter,
        ConfidenceFilter,
        RefusalFilter,
        "source",
        "multi",
        "model_version",
        "created_at",
    )
    list_select_related = ("user",)
    # The picture's and the bars' look as on the pages, the thumbnails', and the places of the labels
    # (no inline styles: CSP).
    media = ADMIN_MEDIA
    search_fields = ("user__username", "number", "correct_label")
    date_hierarchy = "created_at"
    list_per_page = 50
    actions = ["mark_reviewed"]
    fields = (
        "picture",
        "number",
        "confidence_display",
        "forced",
        "notice",
        "ignored_display",
        "probabilities_display",
        "correct_label",
        "marked_not_a_digit",
        "user",
        "source",
        "multi",
        "model_version",
        "duration_ms",
        "created_at",
        "reviewed",
        "reviewed_by",
        "reviewed_at",
    )
    # Everything but the answer is the reading itself: read-only.
    readonly_fields = tuple(name for name in fields if name not in ("correct_label", "marked_not_a_digit"))

    def delete_model(self, request: HttpRequest, obj: Prediction) -> None:
        # Through the service, as the pages and the API delete: the picture and its owner's storage count too.
        services.prediction_delete(prediction=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Prediction]) -> None:
        services.predictions_delete(readings=queryset)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # readings come from the service, with their picture

    def get_queryset(self, request: HttpRequest) -> QuerySet[Prediction]:
        return super().get_queryset(request).select_related("user", "reviewed_by")

    @admin.display(description="picture")
    def thumbnail(self, obj: Prediction) -> str:
        url = reverse("recognizer:image", kwargs={"pk": obj.pk})
        return format_html(
            '<img class="review-thumb" src="{}?size=thumb" alt="" width="56" height="56" loading="lazy">', url
        )

    @admin.display(description="confidence", ordering="confidence")
    def confidence_display(self, obj: Prediction) -> str:
        text = percent(obj.confidence)
        if obj.uncertain:
            return format_html('<strong class="review-unsure">{} (not sure)</strong>', text)
        return text

    @admin.display(description="answer")
    def answer_display(self, obj: Prediction) -> str:
        if obj.answer == Answer.CORRECTED:
            return f"Corrected to {obj.correct_label}"
        return obj.answer.label

    @admin.display(description="picture and boxes")
    def picture(self, obj: Prediction) -> str:
        if not obj.pk:
            return "-"
        url = reverse("recognizer:image", kwargs={"pk": obj.pk})
        return format_html(
            '{}<p><a href="{}" target="_blank" rel="noopener">Open the picture</a> ({} × {} px)</p>',
            render_to_string("recognizer/boxes.html", reading_shown(obj)),
            url,
            obj.width,
            obj.height,
        )

    @admin.display(description="ignored marks")
    def ignored_display(self, obj: Prediction) -> str:
        marks = marks_shown(obj)
        if not marks:
            return "-"
        return format_html_join(
            ", ",
            "mark {} (box {}; {} not a digit)",
            ((i + 1, " ".join(str(v) for v in m.place.box), m.not_digit_percent) for i, m in enumerate(marks)),
        )

    @admin.display(description="probabilities")
    def probabilities_display(self, obj: Prediction) -> str:
        return render_to_string("recognizer/bars.html", reading_shown(obj))

    def save_model(self, request: HttpRequest, obj: Prediction, form, change: bool) -> None:
        """Saving a reading in the admin is a review: its answer (if any) and who reviewed it.

        The form has checked the answer against the one-answer constraint.
        """
        services.prediction_correct(
            prediction=obj,
            correct_label=form.cleaned_data.get("correct_label") or None,
            marked_not_a_digit=form.cleaned_data.get("marked_not_a_digit", False),
        )
        services.prediction_review(prediction=obj, reviewer=signed_in(request))

    @admin.action(description="Mark reviewed (confirm the reading)")
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[Prediction]) -> None:
        count = 0
        for prediction in queryset.filter(Q(reviewed=False) | Q(reviewed_by__isnull=True)):
            if prediction.answer == Answer.UNANSWERED:
                services.prediction_confirm(prediction=prediction)  # an answer given is kept
            services.prediction_review(prediction=prediction, reviewer=signed_in(request))
            count += 1
        self.message_user(request, f"Marked {count} reading{'s' if count != 1 else ''} reviewed.", messages.SUCCESS)
