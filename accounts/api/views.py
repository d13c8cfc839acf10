"""The API's token: a username and password exchanged for the key programs send."""

from __future__ import annotations

from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.lockout import STATUS, lockout_answer
from restapi.openapi import E413, ValidationErrorSerializer, error_response
from restapi.parsers import TOKEN_PARSERS
from restapi.throttling import AnonThrottle


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as the header 'Authorization: Token <token>'.")


@method_decorator(never_cache, name="dispatch")  # the answer is the key: no copy may stay in a cache
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token (made on first use)."""

    parser_classes = TOKEN_PARSERS
    throttle_classes = [AnonThrottle]  # guesses at passwords are rate-limited

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        auth=[],
        request={
            "application/json": AuthTokenSerializer,
            "application/x-www-form-urlencoded": AuthTokenSerializer,
            "multipart/form-data": AuthTokenSerializer,
        },
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(ValidationErrorSerializer, description="Wrong username or password."),
            413: E413,
            429: error_response(
                "Too many requests, or too many failed log-ins for this account "
                "or address (locked for a while, even with the right password); "
                "Retry-After says how many seconds to wait."
            ),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        return super().post(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        """A lock-out is a 429 with Retry-After, not "wrong password".

        Axes flags the request that authenticate() was given, DRF's own, which
        its middleware never sees: the answer is made here.
        """
        if getattr(self.request, "axes_locked_out", False):
            body, headers = lockout_answer(self.request, getattr(self.request, "axes_credentials", None))
            return Response(body, status=STATUS, headers=headers)
        return super().handle_exception(exc)
