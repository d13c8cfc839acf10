"""Sizes as the site's messages say them, for the picture limit every request is held to.

RECOGNIZER_MAX_UPLOAD_BYTES bounds a picture, and through
DATA_UPLOAD_MAX_MEMORY_SIZE (config.settings) every request body: the API's
413s (restapi.errors) and the readings' own (recognizer.services) say it alike.
"""

from django.conf import settings

MB = 1024 * 1024
# Places after the point in a size a message gives: "6.3 MB".
SIZE_DECIMALS = 1


def upload_limit_mb() -> str:
    """RECOGNIZER_MAX_UPLOAD_BYTES in MB as people read it: "5", "0.5"."""
    return f"{settings.RECOGNIZER_MAX_UPLOAD_BYTES / MB:g}"


def size_mb(size: int) -> str:
    """A size in bytes as a message shows it: "6.3 MB"."""
    return f"{size / MB:.{SIZE_DECIMALS}f} MB"


def script_sizes() -> dict[str, int | str]:
    """The limit and this way of saying a size, for the drawing page's script
    (static/js/draw/pictures.js): it refuses a picture over the limit before
    sending it, in the numbers the server's own refusal would give."""
    return {
        "maxBytes": settings.RECOGNIZER_MAX_UPLOAD_BYTES,
        "maxMb": upload_limit_mb(),
        "megabyte": MB,
        "sizeDecimals": SIZE_DECIMALS,
    }
