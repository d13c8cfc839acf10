"""The person behind a request that only signed-in people reach, as the site's User."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.request import Request


def signed_in(request: HttpRequest | Request) -> User:
    """``request.user`` behind login_required, login_or_token_required, IsAuthenticated or the admin.

    Those checks let no anonymous visitor through; this says so to the type checker
    (``request.user`` is typed "User or AnonymousUser"; AUTH_USER_MODEL is Django's User).
    """
    user = request.user
    assert isinstance(user, User), "reached only behind a sign-in check"
    return user
