"""Real pictures for the page and browser tests: digits drawn by the engine's own
stroke templates (ml.synth.digits_png), and a blank canvas."""

from __future__ import annotations

import io

from PIL import Image

from ml.synth import digits_png

__all__ = ["blank_png", "digits_png"]


def blank_png(size: int = 280) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), "white").save(out, format="PNG")
    return out.getvalue()
