"""Request parsers that refuse an oversized or too deeply nested body with a 4xx.

JSON bodies: DRF reads them through ``request.body``, which enforces
DATA_UPLOAD_MAX_MEMORY_SIZE (Django's RequestDataTooBig, answered 413 by
restapi.errors). Multipart bodies: Django streams file parts to disk
with no limit of its own, so the declared length is checked first here.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from restapi.errors import RequestTooLarge, content_length


def _check_length(parser_context: dict | None) -> None:
    length = content_length((parser_context or {}).get("request"))
    if length is not None and length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise RequestTooLarge(length)


class _LengthChecked(parsers.BaseParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _check_length(parser_context)
        return super().parse(stream, media_type, parser_context)


class JSONParser(_LengthChecked, parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # Python's json gives up at about 1,000 levels: a 500 otherwise
            raise ParseError(
                "JSON parse error - the body is nested too deeply: the API takes a flat object "
                'such as {"image": "<base64>"}.'
            ) from None


class MultiPartParser(_LengthChecked, parsers.MultiPartParser):
    pass


class FormParser(_LengthChecked, parsers.FormParser):
    pass


# What the picture endpoints read: a file in a form, or a JSON body.
PICTURE_PARSERS = [JSONParser, MultiPartParser]
# The token endpoint also takes a plain HTML form, as DRF's does.
TOKEN_PARSERS = [JSONParser, FormParser, MultiPartParser]
