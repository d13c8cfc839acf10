"""Times in the visitor's own time zone.

static/js/timezone.js stores the browser's IANA zone name in a cookie; each
request shows its times (templates convert aware datetimes to the current
zone) in that zone. A name that is not a known zone is ignored, so a forged
or stale cookie only falls back to TIME_ZONE.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

COOKIE = "tz"


@functools.cache
def _known_zones() -> frozenset[str]:
    # Looked up in the system's list rather than opened by name: a name is a path into the tz database.
    return frozenset(zoneinfo.available_timezones())


def visitor_zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone a cookie names, or None for anything that is not a known zone."""
    return zoneinfo.ZoneInfo(name) if name in _known_zones() else None


class VisitorTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = visitor_zone(request.COOKIES.get(COOKIE))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()  # the next request on this thread starts from TIME_ZONE
