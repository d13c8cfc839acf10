"""The pages: drawing, History, one prediction, its picture, deleting it.

Views check who is asking and validate forms; readings are made and changed
only through recognizer.services and read through recognizer.selectors. The
drawing page itself reads digits through the JSON API (recognizer.api), the
same endpoints programs use.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe
from PIL import Image

from accounts.decorators import login_or_token_required
from recognizer import selectors, services
from recognizer.forms import CorrectionForm, HistoryFilterForm
from recognizer.models import Prediction
from recognizer.readings import CLOSE_WITHIN, runner_up

HISTORY_PAGE_SIZE = 24
THUMBNAIL_SIDE = 240
# The browser may keep a picture a day; it is private, so no shared cache may.
IMAGE_MAX_AGE = 24 * 60 * 60


def _percent(value: float | None) -> str:
    if value is None:
        return ""
    percent = value * 100
    return f"{percent:.0f}%" if percent >= 99.95 or percent < 0.05 else f"{percent:.1f}%"


@dataclass(frozen=True)
class Bar:
    digit: int
    value: float
    top: bool

    @property
    def percent(self) -> str:
        return _percent(self.value)

    @property
    def width(self) -> str:
        # A CSS width; a dot's worth for tiny values so every row shows a bar.
        return f"{max(self.value * 100, 0.5):.2f}%"


@dataclass(frozen=True)
class Placed:
    """A box over a stored picture: in its pixels for the SVG, and its corner as % of it for a label."""

    box: tuple[int, int, int, int]
    left: str
    top: str
    bottom: str  # of the box's lower edge, for a label below it (a line's number)
    label_inside: bool  # a box at the top edge gets its label inside it


def _placed(prediction: Prediction, box) -> Placed:
    x, y, w, h = (int(v) for v in box)
    width, height = max(prediction.width, 1), max(prediction.height, 1)
    return Placed(box=(x, y, w, h), left=f"{100 * x / width:.3f}%", top=f"{100 * y / height:.3f}%",
                  bottom=f"{100 * (y + h) / height:.3f}%", label_inside=y < 0.1 * height)


@dataclass(frozen=True)
class DigitView:
    """One digit of a stored reading, ready for a page (detail, admin)."""

    index: int
    digit: int
    confidence: float
    uncertain: bool
    maybe: int | None  # the runner-up, when it is close (recognizer.readings.runner_up)
    bars: list[Bar]
    place: Placed

    @property
    def confidence_percent(self) -> str:
        return _percent(self.confidence)


@dataclass(frozen=True)
class LineView:
    index: int
    number: str
    place: Placed


@dataclass(frozen=True)
class MarkView:
    """A mark left out of the number: drawn apart (dashed, grey, "ignored")."""

    not_digit: float
    place: Placed

    @property
    def not_digit_percent(self) -> str:
        return _percent(self.not_digit)


def _bars(probabilities: list[float] | None) -> list[Bar]:
    if not probabilities:
        return []
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return [Bar(digit=i, value=float(p), top=i == best) for i, p in enumerate(probabilities)]


def digit_views(prediction: Prediction) -> list[DigitView]:
    return [DigitView(index=index + 1, digit=int(d["digit"]), confidence=float(d["confidence"]),
                      uncertain=d["uncertain"], maybe=runner_up(d.get("probabilities")),
                      bars=_bars(d.get("probabilities")), place=_placed(prediction, d["box"]))
            for index, d in enumerate(prediction.digits or [])]


def line_views(prediction: Prediction) -> list[LineView]:
    """Each line's box and number, when there are several lines.

    One line is the whole number, already shown as the reading: its box would
    only frame the digits' own boxes a second time.
    """
    lines = prediction.lines or []
    if len(lines) < 2:
        return []
    return [LineView(index=i + 1, number=line["number"], place=_placed(prediction, line["box"]))
            for i, line in enumerate(lines)]


def mark_views(prediction: Prediction) -> list[MarkView]:
    return [MarkView(not_digit=float(m["not_digit"]), place=_placed(prediction, m["box"]))
            for m in prediction.ignored or []]


def _get_own(request: HttpRequest, pk: int) -> Prediction:
    """The asker's own prediction, or 404: another person's is as absent as a missing one."""
    prediction = selectors.prediction_get(user=request.user, pk=pk)
    if prediction is None:
        raise Http404("No such prediction.")
    return prediction


# The drawing page -------------------------------------------------------------------


@login_required
@require_safe
def draw(request: HttpRequest) -> HttpResponse:
    return render(request, "recognizer/draw.html", {
        # The page reads digits through the same JSON API as programs do.
        "predict_url": reverse("api:prediction-list"),
        "read_url": reverse("api:reading"),
        "detail_url_zero": reverse("recognizer:detail", kwargs={"pk": 0}),
        "login_url": f"{reverse('login')}?next={reverse('recognizer:draw')}",
        "max_upload_bytes": settings.RECOGNIZER_MAX_UPLOAD_BYTES,
        "max_upload_mb": services.upload_limit_mb(),
        "close_within": str(CLOSE_WITHIN),  # as text: no locale turns it into "0,25"
    })


# History --------------------------------------------------------------------------------


@login_required
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET)
    filters = form.filters()
    predictions = selectors.prediction_list(user=request.user, **filters)
    page = Paginator(predictions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"prediction": p, "confidence": _percent(p.confidence), "lines": line_views(p),
             "marks": mark_views(p)} for p in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "recognizer/history.html", {
        "form": form,
        "filtered": filters["digit"] is not None or filters["source"] is not None,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
    })


# One prediction ---------------------------------------------------------------------------


def _detail_context(prediction: Prediction, form: CorrectionForm) -> dict:
    digits = digit_views(prediction)
    return {
        "prediction": prediction,
        "digits": digits,
        "lines": line_views(prediction),
        "marks": mark_views(prediction),
        "maybe": digits[0].maybe if not prediction.multi and digits else None,
        "confidence": _percent(prediction.confidence),
        "form": form,
    }


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    prediction = _get_own(request, pk)
    form = CorrectionForm(initial={"correct_label": prediction.correct_label or prediction.number})
    return render(request, "recognizer/detail.html", _detail_context(prediction, form))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """"That's not right": store the digits the owner says the picture shows."""
    prediction = _get_own(request, pk)
    if request.method != "POST":
        return redirect(reverse("recognizer:detail", kwargs={"pk": pk}) + "#correct")
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.prediction_correct(prediction=prediction, correct_label=form.cleaned_data["correct_label"])
        except ValidationError as exc:
            form.add_error("correct_label", exc)
        else:
            label = prediction.correct_label
            messages.success(request, "Thanks, that confirms the reading." if label == prediction.number
                             else f"Thanks: saved {label} as the correct reading.")
            return redirect("recognizer:detail", pk=pk)
    prediction.refresh_from_db()  # the page shows what is stored, not the rejected input
    return render(request, "recognizer/detail.html", _detail_context(prediction, form), status=400)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    prediction = _get_own(request, pk)
    if request.method == "POST":
        number = prediction.number
        services.prediction_delete(prediction=prediction)
        messages.success(request, f"Deleted the reading of {number} and its picture.")
        return redirect("recognizer:history")
    return render(request, "recognizer/delete.html", {
        "prediction": prediction, "confidence": _percent(prediction.confidence)})


@login_or_token_required
@require_safe
def image(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored picture, for its owner and staff only; ``?size=thumb`` for a small copy.

    Programs follow the API's ``image_url`` here with the token that fetched it.
    """
    prediction = selectors.prediction_get_for_viewer(user=request.user, pk=pk)
    if prediction is None or not prediction.image:
        raise Http404("No such picture.")
    try:
        handle = prediction.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The picture is gone.") from exc
    if request.GET.get("size") == "thumb":
        with handle:
            response = HttpResponse(_thumbnail(handle.read()), content_type="image/png")
    else:
        response = FileResponse(handle, content_type="image/png", filename=f"prediction-{pk}.png")
    patch_cache_control(response, private=True, max_age=IMAGE_MAX_AGE)
    return response


def _thumbnail(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as picture:
        picture.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, format="PNG", compress_level=3)
    return out.getvalue()
