"""The client's address, the one both the API's rate limits and axes' lock-outs count by."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address of whoever sent the request, as far as the site's own proxies vouch for it.

    With NUM_PROXIES = 0 it is the connection's own address: X-Forwarded-For is
    whatever the client wrote. Behind N trusted proxies, each appends the
    address it was connected from, so the client's is the N-th entry from the
    right; anything further left came from the client and may be forged. An
    entry that is no address (a proxy that wrote none) falls back to the
    connection's. None when nothing is known (a request made in code).
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    entries = [entry.strip() for entry in forwarded.split(",")]
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
