"""Views that a program may open with its API token as well as a person with the session."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def login_or_token_required(view):
    """``login_required`` that also takes ``Authorization: Token <key>``.

    The API links to pages of the site (a prediction's ``image_url``); a
    program following the link has its token, not a session. A token is
    checked as the API checks it; a wrong or revoked one answers 401 as the
    API would, since a program cannot use the log-in page it would be sent to.
    Without the header, it is ``login_required``: the session, or the log-in page.
    """
    with_session = login_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed as exc:
            return JsonResponse({"detail": str(exc.detail)}, status=401, headers={"WWW-Authenticate": "Token"})
        if found is None:
            return with_session(request, *args, **kwargs)
        request.user = found[0]
        return view(request, *args, **kwargs)

    return wrapped
