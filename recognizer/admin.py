"""Staff review of readings: see the picture and its boxes, confirm or correct the digits.

Readings are made only by the service (the pages and the API), so the admin
cannot add one, and the reading itself is read-only: a reviewer changes
nothing but the answer (``correct_label``, or ``marked_not_a_digit``), and
saving marks the reading reviewed.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from accounts.signed_in import signed_in
from recognizer import services
from recognizer.models import ANSWER_QUERIES, Answer, Prediction
from recognizer.views import digits_shown, line_views, mark_views


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


class ConfidenceFilter(admin.SimpleListFilter):
    """By the flag stored with each reading: each model has its own threshold (its card's), so a
    fixed cut on ``confidence`` would disagree with what people were shown."""

    title = "confidence"
    parameter_name = "confidence"

    def lookups(self, request, model_admin):
        return [("low", "Not sure (flagged)"), ("high", "Sure")]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(uncertain=True)
        if self.value() == "high":
            return queryset.filter(uncertain=False)
        return queryset


class RefusalFilter(admin.SimpleListFilter):
    """Readings the engine refused as no digit and that were read anyway ("Read it anyway", force=true):
    the ones to check first, and a source of negatives for the next model."""

    title = "refusal"
    parameter_name = "refusal"

    def lookups(self, request, model_admin):
        return [("forced", "Forced past a refusal"), ("accepted", "Not refused")]

    def queryset(self, request, queryset):
        if self.value() == "forced":
            return queryset.filter(forced=True)
        if self.value() == "accepted":
            return queryset.filter(forced=False)
        return queryset


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
    # The thumbnails' and the picture's look, and the places of its labels (no inline styles: CSP).
    media = forms.Media(css={"all": ["css/admin.css"]}, js=["js/place.js"])
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
        text = f"{obj.confidence:.1%}"
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
        # Digits green (orange when not sure), lines blue with their number below, ignored marks dashed grey.
        # Each shape: its place, colour, dashes, label, the label's class (static/css/admin.css).
        shapes = (
            [
                (
                    d.place,
                    "#e08a00" if d.uncertain else "#1f9d55",
                    "none",
                    str(d.digit),
                    "unsure" if d.uncertain else "sure",
                )
                for d in digits_shown(obj)
            ]
            + [(line.place, "#2b6cb0", "none", line.number, "line") for line in line_views(obj)]
            + [(m.place, "#8a8a8a", "6 4", "ignored", "ignored") for m in mark_views(obj)]
        )
        boxes = format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{}" stroke-width="3" '
            'stroke-dasharray="{}" vector-effect="non-scaling-stroke"/>',
            ((*place.box, colour, dashes) for place, colour, dashes, _, _ in shapes),
        )
        # No style attributes (the Content-Security-Policy refuses them): classes, and the labels'
        # places in data attributes that static/js/place.js applies.
        labels = format_html_join(
            "",
            '<span class="review-label {}" data-left="{}" data-top="{}">{}</span>',
            (
                (kind, place.left, place.bottom if kind == "line" else place.top, text)
                for place, _, _, text, kind in shapes
            ),
        )
        return format_html(
            '<div class="review-frame">'
            '<img src="{}" alt="The picture as sent" width="{}" height="{}">'
            '<svg viewBox="0 0 {} {}" preserveAspectRatio="none">{}</svg>{}</div>'
            '<p><a href="{}" target="_blank" rel="noopener">Open the picture</a> ({} × {} px)</p>',
            url,
            obj.width,
            obj.height,
            obj.width,
            obj.height,
            boxes,
            labels,
            url,
            obj.width,
            obj.height,
        )

    @admin.display(description="ignored marks")
    def ignored_display(self, obj: Prediction) -> str:
        if not obj.ignored:
            return "-"
        return format_html_join(
            ", ",
            "{} (box {}; {} not a digit)",
            (
                (f"mark {i + 1}", " ".join(str(v) for v in m["box"]), f"{m['not_digit']:.0%}")
                for i, m in enumerate(obj.ignored)
            ),
        )

    @admin.display(description="probabilities")
    def probabilities_display(self, obj: Prediction) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td><strong>{}</strong></td><td>{}</td><td>{}</td></tr>",
            (
                (
                    i + 1,
                    d["digit"],
                    f"{d['confidence']:.1%}",
                    ", ".join(
                        f"{k}: {p:.0%}"
                        for k, p in sorted(enumerate(d.get("probabilities") or []), key=lambda kp: -kp[1])[:3]
                    ),
                )
                for i, d in enumerate(obj.digits or [])
            ),
        )
        return format_html(
            "<table><thead><tr><th>#</th><th>digit</th><th>confidence</th><th>top three</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            rows,
        )

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
