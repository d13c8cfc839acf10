"""Staff pages of the learning loop beside the admin: the review queue and the dashboard.

They only translate forms into learning.services calls and figures from
learning.selectors into pictures (SVG drawn here, no script, no CDN).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.signed_in import signed_in
from learning.selectors import (
    DayCount,
    accuracy_by_version,
    corrected_digits_confusion,
    readings_per_day,
    review_queue,
)
from learning.services import reading_review
from recognizer.forms import CorrectionForm
from recognizer.models import Prediction
from recognizer.presentation import ADMIN_MEDIA, reading_shown

SKIPPED = "review_skipped"  # the session's list of readings a reviewer skipped


def _page(request: HttpRequest, template: str, title: str, context: dict) -> HttpResponse:
    return render(request, template, {**admin.site.each_context(request), "title": title, **context})


@staff_member_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest) -> HttpResponse:
    """One reading at a time: type the digits and press Enter, or "Not a digit", or "Skip"."""
    skipped = request.session.get(SKIPPED, [])
    if request.method == "POST":
        prediction = get_object_or_404(Prediction, pk=request.POST.get("prediction"))
        action = request.POST.get("action", "save")
        if action == "skip":
            request.session[SKIPPED] = [*skipped, prediction.pk]
            return redirect("learning_review")
        if action == "not_digit":
            reading_review(prediction=prediction, reviewer=signed_in(request), not_a_digit=True)
            messages.success(request, f"Reviewed reading {prediction.pk}: not a digit.")
            return redirect("learning_review")
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                reading_review(
                    prediction=prediction, reviewer=signed_in(request), label=form.cleaned_data["correct_label"]
                )
            except ValidationError as exc:
                form.add_error("correct_label", exc)
            else:
                messages.success(request, f"Reviewed reading {prediction.pk}: {form.cleaned_data['correct_label']}.")
                return redirect("learning_review")
        return _review_page(request, prediction, form, status=400)
    next_one = review_queue(skipped=skipped).select_related("user").first()
    if next_one is None and skipped and request.GET.get("again"):
        request.session[SKIPPED] = []
        return redirect("learning_review")
    initial = {"correct_label": next_one.correct_label or next_one.number} if next_one else None
    return _review_page(request, next_one, CorrectionForm(initial=initial))


def _review_page(
    request: HttpRequest, prediction: Prediction | None, form: CorrectionForm, status: int = 200
) -> HttpResponse:
    context: dict[str, object] = {
        "prediction": prediction,
        "form": form,
        "left": review_queue(skipped=request.session.get(SKIPPED, [])).count(),
        "skipped": len(request.session.get(SKIPPED, [])),
        "media": ADMIN_MEDIA,
    }
    form.fields["correct_label"].widget.attrs["autofocus"] = True  # type, Enter: keyboard only
    if prediction is not None:
        context.update(reading_shown(prediction))
    response = _page(request, "admin/learning/review.html", "Review queue", context)
    response.status_code = status
    return response


@dataclass(frozen=True)
class DayBar:
    day: str
    readings: int
    corrected: int
    x: int
    y: float  # top of the readings' bar, px (SVG's y grows downwards)
    height: float
    corrected_y: float
    corrected_height: float


@dataclass(frozen=True)
class Cell:
    """One square of the confusion matrix: read as ``read_as``, answered ``answer``, ``n`` times."""

    read_as: int
    answer: int
    n: int
    x: int
    y: int
    opacity: float


CHART_HEIGHT = 120
BAR_WIDTH = 14
CELL = 24  # px per square of the confusion matrix; its first row and column hold the labels


def _day_bars(days: list[DayCount]) -> list[DayBar]:
    most = max([d["readings"] for d in days], default=1)
    bars = []
    for i, d in enumerate(days):
        height = round(CHART_HEIGHT * d["readings"] / most, 1)
        corrected = round(CHART_HEIGHT * d["corrected"] / most, 1)
        bars.append(
            DayBar(
                day=f"{d['day']:%b %d}",
                readings=d["readings"],
                corrected=d["corrected"],
                x=i * (BAR_WIDTH + 4),
                y=CHART_HEIGHT - height,
                height=height,
                corrected_y=CHART_HEIGHT - corrected,
                corrected_height=corrected,
            )
        )
    return bars


def _cells(matrix: list[list[int]]) -> list[Cell]:
    largest = max([n for row in matrix for n in row], default=0) or 1
    return [
        Cell(read_as=r, answer=a, n=n, x=(a + 1) * CELL, y=(r + 1) * CELL, opacity=round(n / largest, 2))
        for r, row in enumerate(matrix)
        for a, n in enumerate(row)
    ]


@staff_member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    days = readings_per_day()
    bars = _day_bars(days)
    return _page(
        request,
        "admin/learning/dashboard.html",
        "Readings and corrections",
        {
            "bars": bars,
            "bar_width": BAR_WIDTH,
            "chart_width": max(len(bars), 1) * (BAR_WIDTH + 4),
            "chart_height": CHART_HEIGHT,
            "total": sum(d["readings"] for d in days),
            "corrected": sum(d["corrected"] for d in days),
            "versions": [{**v, "accuracy_shown": f"{v['accuracy']:.1%}"} for v in accuracy_by_version()],
            "cells": _cells(corrected_digits_confusion()),
            "cell": CELL,
            "matrix_side": 11 * CELL,
            "labels": [(d, (d + 1) * CELL) for d in range(10)],
        },
    )
