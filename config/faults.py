"""A dependency that is down answers 503 with Retry-After, never a 500 and a stack trace.

Django turns an exception into a response at each layer of middleware and at
the view, all through one place, ``handler500`` (config/urls.py): a database
that cannot be reached is found wherever the request first touches it (the
session or the user in middleware, a page, a template, a save on the way
out), so this one handler sees every case. DRF's views answer before it, in
restapi.errors.exception_handler, with the same words.

The page is rendered without a request, so no context processor (the signed-in
user, messages) touches the database that is down.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

RETRY_SECONDS = 30
# OperationalError: refused, timed out, dropped, locked, no such table; InterfaceError: a closed connection.
DATABASE_DOWN = (OperationalError, InterfaceError)
API_PREFIX = "/api/"
UNAVAILABLE_SENTENCE = f"The database is not answering: try again in {RETRY_SECONDS} seconds."


def is_database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_DOWN)


def unavailable_json() -> JsonResponse:
    """The API's answer while the database is down (also used by DRF's exception handler)."""
    return JsonResponse({"detail": UNAVAILABLE_SENTENCE}, status=503, headers={"Retry-After": str(RETRY_SECONDS)})


def unavailable_page() -> HttpResponse:
    return HttpResponse(
        render_to_string("503.html", {"retry_seconds": RETRY_SECONDS}),
        status=503,
        headers={"Retry-After": str(RETRY_SECONDS)},
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 when the exception is an unreachable database, Django's plain 500 otherwise."""
    if is_database_down(sys.exc_info()[1]):
        return unavailable_json() if request.path.startswith(API_PREFIX) else unavailable_page()
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": "Something went wrong on the server; it has been logged."}, status=500)
    return defaults.server_error(request)
