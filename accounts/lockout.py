"""What a locked-out log-in gets: the page, the admin's log-in and the API's token alike.

Axes (django-axes) decides who is locked out; these say so, with when to try
again: 429 and Retry-After everywhere, JSON for the API, a plain page for people.
"""

from __future__ import annotations

import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

STATUS = 429


def lockout_wait(request: HttpRequest, credentials: dict | None = None) -> int:
    """Seconds until the lock-out ends, at most: the cool-off from the last counted failure.

    Failures while locked out are not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT
    is off), so this does not grow as an attacker goes on trying.
    """
    cool_off = get_cool_off(request)
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None)
    last = AccessAttempt.objects.filter(Q(username=username) | Q(ip_address=address)).aggregate(
        last=Max("attempt_time")
    )["last"]
    if last is None:
        return math.ceil(cool_off.total_seconds())
    return max(1, math.ceil((last + cool_off - timezone.now()).total_seconds()))


def lockout_message(wait: int) -> str:
    minutes = math.ceil(wait / 60)
    return (
        f"Too many failed log-ins for this account or from this address: try again in {minutes} "
        f"minute{'s' if minutes != 1 else ''}, or ask the site's staff to lift the lock."
    )


def lockout_answer(request: HttpRequest, credentials: dict | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """The API's lock-out answer as its body and headers (status STATUS).

    One answer for both places an API log-in is refused: axes' callable
    (lockout_response, a Django JsonResponse) and the token view (a DRF Response).
    """
    wait = lockout_wait(request, credentials)
    return {"detail": lockout_message(wait)}, {"Retry-After": str(wait)}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the answer to a log-in refused for a lock-out."""
    if request.path.startswith("/api/"):
        body, headers = lockout_answer(request, credentials)
        return JsonResponse(body, status=STATUS, headers=headers)
    wait = lockout_wait(request, credentials)
    response = render(request, "registration/locked_out.html", {"message": lockout_message(wait)}, status=STATUS)
    response["Retry-After"] = str(wait)
    return response
