"""Sizes as the site's messages say them, for the picture limit every request is held to.

RECOGNIZER_MAX_UPLOAD_BYTES bounds a picture, and through
DATA_UPLOAD_MAX_MEMORY_SIZE (config.settings) every request body: the API's
413s (restapi.errors) and the readings' own (recognizer.services) say it alike.
"""

from django.conf import settings

MB = 1024 * 1024


def upload_limit_mb() -> str:
    """RECOGNIZER_MAX_UPLOAD_BYTES in MB as people read it: "5", "0.5"."""
    return f"{settings.RECOGNIZER_MAX_UPLOAD_BYTES / MB:g}"


def size_mb(size: int) -> str:
    """A size in bytes as a message shows it: "6.3 MB"."""
    return f"{size / MB:.1f} MB"
