"""The small copies of stored pictures that History and the admin's list show: made once, then kept.

A stored picture never changes under its name (a random one, see
recognizer.models), so its small copy is kept in the cache under that name,
and forgotten when the picture is deleted (recognizer.services.files_delete).
A cache that does not answer costs only the making again, as the rate limits
step aside when their count store is down.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable

from django.core.cache import cache
from PIL import Image

from throttles.services import STORE_ERRORS

logger = logging.getLogger(__name__)

SIDE = 240
# A day, as long as a browser keeps one (recognizer.views.IMAGE_MAX_AGE): enough for History
# browsed again, short enough that the cache holds mostly the pictures people look at.
KEEP_SECONDS = 24 * 60 * 60


def _key(name: str) -> str:
    return f"thumbnail:{SIDE}:{name}"


def thumbnail(name: str, read: Callable[[], bytes]) -> bytes:
    """The small copy of the picture stored as ``name``; ``read`` gives the picture when it must be made."""
    try:
        kept = cache.get(_key(name))
    except STORE_ERRORS as exc:
        logger.warning("thumbnail made again, the cache is unavailable: %s", exc)
        return _made(read())
    if kept is None:
        kept = _made(read())
        try:
            cache.set(_key(name), kept, KEEP_SECONDS)
        except STORE_ERRORS as exc:
            logger.warning("thumbnail not kept, the cache is unavailable: %s", exc)
    return kept


def thumbnails_forget(names: list[str]) -> None:
    """Forget the small copies of deleted pictures, so none outlives its picture in the cache."""
    try:
        cache.delete_many([_key(name) for name in names])
    except STORE_ERRORS as exc:
        logger.error("thumbnails of deleted pictures not forgotten, the cache is unavailable: %s", exc)


def _made(png: bytes) -> bytes:
    with Image.open(io.BytesIO(png)) as picture:
        picture.thumbnail((SIDE, SIDE), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, format="PNG", compress_level=3)
    return out.getvalue()
