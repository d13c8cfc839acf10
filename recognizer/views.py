"""The pages: drawing, History, one prediction, its picture, deleting it.

Views check who is asking and validate forms; readings are made and changed
only through recognizer.services and read through recognizer.selectors. The
drawing page itself reads digits through the JSON API (recognizer.api), the
same endpoints programs use.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.response import HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import login_or_token_required
from accounts.signed_in import signed_in
from config.sizes import script_sizes, upload_limit_mb
from recognizer import selectors, services
from recognizer.engine_port import ACCEPTED_NAMES
from recognizer.filters import PredictionFilter
from recognizer.forms import AnswerForm, CorrectionForm
from recognizer.models import Prediction
from recognizer.presentation import lines_shown, marks_shown, percent, reading_shown, script_rules
from recognizer.readings import ACCEPTED_TYPES
from recognizer.thumbnails import thumbnail

HISTORY_PAGE_SIZE = 24
# The browser may keep a picture a day; it is private, so no shared cache may.
IMAGE_MAX_AGE = 24 * 60 * 60


def _get_own(request: HttpRequest, pk: int) -> Prediction:
    """The asker's own prediction, or 404: another person's is as absent as a missing one."""
    prediction = selectors.prediction_get(user=signed_in(request), pk=pk)
    if prediction is None:
        raise Http404("No such prediction.")
    return prediction


# The drawing page -------------------------------------------------------------------


@require_safe
def draw(request: HttpRequest) -> HttpResponse:
    """The drawing page, for everyone: visitors read without storing; people signed in can save."""
    here = reverse("recognizer:draw")
    login_url = f"{reverse('login')}?{urlencode({'next': here})}"
    config = {
        # The page reads digits through the same JSON API as programs do.
        "readUrl": reverse("api:reading"),
        "saveUrl": reverse("api:prediction-list"),
        "detailUrl": reverse("recognizer:detail", kwargs={"pk": 0}),  # the 0 is replaced by the id
        "loginUrl": login_url,
        "signedIn": request.user.is_authenticated,
        "user": request.user.pk,  # whose drawing the tab keeps
        "csrf": get_token(request),
        **script_sizes(),  # the picture limit, and sizes said as the server's messages say them
        "accepted": list(ACCEPTED_TYPES),
        "acceptedNames": ACCEPTED_NAMES,
        **script_rules(),  # how it shows a reading, as the pages do
    }
    return render(
        request,
        "recognizer/draw.html",
        {
            "draw_config": config,
            "login_url": login_url,
            "signup_url": reverse("signup"),
            "max_upload_mb": upload_limit_mb(),
            "accepted_types": ",".join(ACCEPTED_TYPES),
            "accepted_names": ACCEPTED_NAMES,
        },
    )


# History --------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> tuple[forms.Form, str]:
    """History's filter form, and its valid choices as a query string (no page).

    The query string goes with a reading's links, so its page, its
    previous/next and its way back keep the filters; a value the filters do
    not accept is dropped, as History ignores it.
    """
    form = PredictionFilter(request.GET).form
    form.is_valid()
    chosen = QueryDict(mutable=True)
    for name, value in form.cleaned_data.items():
        if value not in (None, ""):
            chosen[name] = request.GET[name]
    return form, chosen.urlencode()


@login_required
@require_safe
def history(request: HttpRequest) -> HttpResponse:
    form, query = _filters(request)
    predictions = selectors.prediction_list(user=signed_in(request), filters=request.GET)
    page = Paginator(predictions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"prediction": p, "confidence": percent(p.confidence), "lines": lines_shown(p), "marks": marks_shown(p)}
        for p in page
    ]
    return render(
        request,
        "recognizer/history.html",
        {
            "form": form,
            "filtered": bool(query),
            "page": page,
            "rows": rows,
            "query": query,
        },
    )


# One prediction ---------------------------------------------------------------------------


def _detail_context(request: HttpRequest, prediction: Prediction, form: CorrectionForm) -> dict:
    shown = reading_shown(prediction)
    digits = shown["digits"]
    _, query = _filters(request)
    return {
        **shown,
        "maybe": digits[0].maybe if not prediction.multi and digits else None,
        "confidence": percent(prediction.confidence),
        "form": form,
        "query": query,
        "neighbours": selectors.prediction_neighbours(
            user=signed_in(request), prediction=prediction, filters=request.GET
        ),
    }


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    prediction = _get_own(request, pk)
    form = CorrectionForm(initial={"correct_label": prediction.correct_label or prediction.number})
    return render(request, "recognizer/detail.html", _detail_context(request, prediction, form))


def _detail_url(request: HttpRequest, pk: int) -> str:
    """The reading's page, with the History filters it was reached with."""
    _, query = _filters(request)
    return reverse("recognizer:detail", kwargs={"pk": pk}) + (f"?{query}" if query else "")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """ "That's not right": store the digits the owner says the picture shows."""
    prediction = _get_own(request, pk)
    if request.method != "POST":
        return redirect(_detail_url(request, pk) + "#correct")
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.prediction_correct(prediction=prediction, correct_label=form.cleaned_data["correct_label"])
        except ValidationError as exc:
            form.add_error("correct_label", exc)
        else:
            label = prediction.correct_label
            messages.success(
                request,
                "Thanks, that confirms the reading."
                if label == prediction.number
                else f"Thanks: saved {label} as the correct reading.",
            )
            return redirect(_detail_url(request, pk))
    prediction.refresh_from_db()  # the page shows what is stored, not the rejected input
    return render(request, "recognizer/detail.html", _detail_context(request, prediction, form), status=400)


# The one-click answers: what each does, and what it says once done.
ANSWERS = {
    AnswerForm.CONFIRM: (services.prediction_confirm, "Thanks: saved {number} as right."),
    AnswerForm.NOT_A_DIGIT: (
        services.prediction_mark_not_digit,
        "Thanks: saved the reading of {number} as not a digit.",
    ),
    AnswerForm.CLEAR: (services.prediction_answer_clear, "Took back your answer about the reading of {number}."),
}


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Yes, that's right", "Not a digit", or taking either back; then back to the page it came from."""
    prediction = _get_own(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Unknown answer.")
    store, message = ANSWERS[form.cleaned_data["answer"]]
    store(prediction=prediction)
    messages.success(request, message.format(number=prediction.number))
    back = request.POST.get("next", "")  # the page of the button, with its filters
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("recognizer:detail", kwargs={"pk": pk})
    return redirect(back)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    prediction = _get_own(request, pk)
    if request.method == "POST":
        number = prediction.number
        services.prediction_delete(prediction=prediction)
        messages.success(request, f"Deleted the reading of {number} and its picture.")
        return redirect("recognizer:history")
    return render(
        request, "recognizer/delete.html", {"prediction": prediction, "confidence": percent(prediction.confidence)}
    )


@login_or_token_required
@require_safe
def image(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The stored picture, for its owner and staff only; ``?size=thumb`` for a small copy.

    Programs follow the API's ``image_url`` here with the token that fetched it.
    """
    prediction = selectors.prediction_get_for_viewer(user=signed_in(request), pk=pk)
    if prediction is None or not prediction.image.name:
        raise Http404("No such picture.")
    try:
        handle = prediction.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The picture is gone.") from exc
    response: HttpResponseBase
    if request.GET.get("size") == "thumb":
        with handle:
            response = HttpResponse(thumbnail(prediction.image.name, handle.read), content_type="image/png")
    else:
        response = FileResponse(handle, content_type="image/png", filename=f"prediction-{pk}.png")
    patch_cache_control(response, private=True, max_age=IMAGE_MAX_AGE)
    return response
