"""Middleware every request passes, the pages' as well as the API's."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework import status


def refuse_chunked_bodies(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A chunked body (Transfer-Encoding, no length) answers 411, never a wrong reading.

    Django reads a body only as long as its Content-Length says, and a chunked
    request has none, so every view would see an empty body ("Send a picture")
    whatever was sent. 411 Length Required says what to change.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return JsonResponse(
                {
                    "detail": "Send the body with a Content-Length header: a chunked body "
                    "(Transfer-Encoding: chunked) cannot be read here."
                },
                status=status.HTTP_411_LENGTH_REQUIRED,
            )
        return get_response(request)

    return middleware
