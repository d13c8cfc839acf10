"""Liveness (/healthz) and readiness (/readyz) for the load balancer: plain Django views,
without the API's authentication or rate limits, answered in a few words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.checks import missing_static_manifest
from recognizer.engine_port import DigitModel
from recognizer.model_in_service import model_load_in_background, model_status

logger = logging.getLogger(__name__)


def _get_or_head(view: Callable[[HttpRequest], JsonResponse]) -> Callable[[HttpRequest], JsonResponse]:
    """Health checks are read, never sent anything: other methods get the API's JSON 405."""

    @wraps(view)
    def checked(request: HttpRequest) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request)

    return checked


def _model() -> tuple[DigitModel | None, str]:
    """This process's model, or None with a short reason; asking starts the load."""
    model, reason = model_status()
    if model is None:
        model_load_in_background()  # a fresh process becomes ready without waiting for a first reading
        model, reason = model_status()
    return model, reason


def _health(model: DigitModel | None, reason: str) -> JsonResponse:
    if model is None:
        return JsonResponse({"status": "unavailable", "reason": reason}, status=503)
    return JsonResponse({"status": "ok", "model": model.version})


@never_cache
@_get_or_head
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: 200 once this process has its model; 503 with a short reason until then.

    It needs no database: the look at which model version serves (recognizer.model_in_service)
    keeps the one loaded when the database does not answer.
    """
    return _health(*_model())


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache() -> None:
    cache.get("readyz")  # reaches Redis, or the database cache's own table


def _static_files() -> None:
    problem = missing_static_manifest()  # the web process's own start-up check
    if problem:
        raise FileNotFoundError(problem)


# What every request may need besides the model, in the order a reason is given.
_DEPENDENCIES = (
    ("database unavailable", _database),
    ("cache unavailable", _cache),
    ("static files not collected", _static_files),
)


@never_cache
@_get_or_head
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 only when the database, the cache, the static files and the model all answer.

    A load balancer sends traffic only to a ready server; the reason is a few
    words for anyone to see, the error itself goes to the log.
    """
    for reason, check in _DEPENDENCIES:
        try:
            check()
        except Exception as exc:  # whatever a dependency raises, this server cannot serve
            logger.error("not ready, %s: %s", reason, exc)
            return _health(None, reason)
    return _health(*_model())
