"""The picture formats the engine opens, as Pillow names them and as people do."""

from __future__ import annotations

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF")  # JPEG also opens MPO (phone cameras)
_SAID = [{"WEBP": "WebP"}.get(name, name) for name in ACCEPTED_FORMATS]
ACCEPTED_NAMES = f"{', '.join(_SAID[:-1])} or {_SAID[-1]}"  # "PNG, JPEG, WebP, BMP or GIF"
