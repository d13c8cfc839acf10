"""The API's answers to what goes wrong with a reading; restapi.errors answers everything else.

A picture that is read but is no digit answers 422 with ``code`` "not_a_digit",
so a client can offer to read it anyway (``force``) without parsing the
sentence. A full storage quota answers 413 with ``code`` "storage_full", told
apart from a picture over the upload limit (413 without a code).
"""

from __future__ import annotations

import logging

from rest_framework import status
from rest_framework.response import Response

from recognizer.engine_port import ImageError, ModelUnavailable, NotADigit
from recognizer.services import StorageQuotaExceeded, UploadTooLarge

logger = logging.getLogger(__name__)

MODEL_RETRY_SECONDS = 10


def reading_error_answer(exc: Exception) -> Response | None:
    """API_ERROR_ANSWERS: the answer to a reading's own exception; None for any other."""
    if isinstance(exc, UploadTooLarge):  # before ImageError, its base
        return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, StorageQuotaExceeded):  # the picture is fine: the person's storage is full
        return Response({"code": "storage_full", "detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, NotADigit):  # before ImageError, its base: the picture is sound, its content is not
        return Response({"code": "not_a_digit", "detail": str(exc)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, ImageError):
        return Response({"detail": str(exc), "image": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ModelUnavailable):
        logger.error("a reading was refused, the model is unavailable: %s", exc)
        return Response(
            {
                "detail": "The recognizer is not ready yet (its model is loading or missing). "
                f"Try again in {MODEL_RETRY_SECONDS} seconds."
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(MODEL_RETRY_SECONDS)},
        )
    return None
