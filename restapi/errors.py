"""JSON errors with a sentence a person can act on, for every failure of the API.

Every error body has ``detail``, one sentence. A bad field also keeps DRF's
per-field lists (``{"detail": "correct_label: ...", "correct_label": ["..."]}``)
so a form can show each message next to its field. A database that is down
answers 503 with Retry-After (config.faults has the same answer for what
happens outside DRF's views).

The apps' own exceptions (a picture that is no digit, a model still loading)
are answered by the apps: API_ERROR_ANSWERS names their answering functions,
which this handler asks before its own rules, so it knows nothing of readings.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.module_loading import import_string
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config import faults
from config.sizes import size_mb, upload_limit_mb

logger = logging.getLogger(__name__)


class RequestTooLarge(exceptions.APIException):
    """The request body is over the limit (HTTP 413), found before reading it."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, size: int | None = None):
        said = f"The request is {size_mb(size)}" if size else "The request body is too large"
        super().__init__(f"{said}; the limit for a picture is {upload_limit_mb()} MB. Send a smaller picture.")


# Sentences for DRF's terse defaults, used when the exception carries its default message.
_SENTENCES = {
    exceptions.NotAuthenticated: (
        "Authentication credentials were not provided: send the header "
        "'Authorization: Token <key>' (POST your username and password to /api/v1/auth/token/ "
        "for a key) or sign in on the site."
    ),
    exceptions.NotFound: "Not found: there is nothing at this address.",
}


def _first_message(detail) -> tuple[str | None, str]:
    """The first (field, message) of a DRF error detail, however nested."""
    if isinstance(detail, dict):
        if not detail:
            return None, "The request is not valid."
        key, value = next(iter(detail.items()))
        field, message = _first_message(value)
        return (None if key in ("non_field_errors", "detail") else field or key), message
    if isinstance(detail, (list, tuple)):
        return _first_message(detail[0]) if detail else (None, "The request is not valid.")
    return None, str(detail)


def _app_answer(exc: Exception) -> Response | None:
    """The answer of the first app that knows this exception (API_ERROR_ANSWERS), or None."""
    for name in settings.API_ERROR_ANSWERS:
        answer: Callable[[Exception], Response | None] = import_string(name)
        response = answer(exc)
        if response is not None:
            return response
    return None


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if faults.is_database_down(exc):
        # Whatever the view was doing (authenticating, throttling, reading, saving): a 503 to retry, not a 500.
        logger.error("a request was refused, the database is not answering: %s", exc)
        return Response(
            {"detail": faults.UNAVAILABLE_SENTENCE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(faults.RETRY_SECONDS)},
        )
    answered = _app_answer(exc)
    if answered is not None:
        return answered
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(content_length(context.get("request")))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404) and not exc.args:
        exc = exceptions.NotFound(_SENTENCES[exceptions.NotFound])
    if isinstance(exc, exceptions.Throttled):
        # DRF's Throttled keeps `wait`, which its stubs do not declare; given to __init__ it would
        # add DRF's own sentence to the detail, so it is set afterwards.
        wait = max(1, math.ceil(exc.wait or 1))  # type: ignore[attr-defined]  # see above
        exc = exceptions.Throttled(detail=f"Too many requests: try again in {wait} second{'s' if wait != 1 else ''}.")
        exc.wait = wait  # type: ignore[attr-defined]  # see above
    elif (
        isinstance(exc, exceptions.APIException) and type(exc) in _SENTENCES and exc.detail == type(exc).default_detail
    ):
        exc.detail = exceptions.ErrorDetail(_SENTENCES[type(exc)], code=exc.default_code)
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        exc.detail = exceptions.ErrorDetail(
            f"{exc.detail} Send JSON (application/json) or a form with a file (multipart/form-data).",
            code=exc.default_code,
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first_message(exc.detail)
        sentence = f"{field}: {message}" if field and field not in message else message
        fields = exc.detail if isinstance(exc.detail, dict) else {}
        response.data = {"detail": sentence, **{k: v for k, v in fields.items() if k != "detail"}}
    return response


def content_length(request) -> int | None:
    """The body length the request declares; None when it declares none (or nonsense)."""
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) or None
    except (AttributeError, ValueError):
        return None
