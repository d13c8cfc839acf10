"""How the API's error answers are described in its schema, for every app's endpoints alike.

The bodies are restapi.errors' (``detail``, and for a bad request each bad
field's messages); the answers below are the ones endpoints share.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence a person can act on.")


class ValidationErrorSerializer(ErrorSerializer):
    """A bad request: ``detail`` plus, for each bad field, its list of messages (keyed by the field's name)."""


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


E401 = error_response("No credentials, or a wrong token.")
E403 = error_response("Signed in with the site's session but without the CSRF token.")
E413 = error_response("The picture (or the request) is over the upload limit.")
E429 = error_response("Too many requests; the Retry-After header says how many seconds to wait.")
