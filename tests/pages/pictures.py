"""Real pictures of handwritten-looking digits for the page and browser tests.

Drawn with the engine's own stroke templates (ml.synth) in their plainest form,
dark ink on white like the site's canvas, so the real model reads them right.
"""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
from PIL import Image

from ml import synth


def digits_png(label: str, *, height: int = 200, brush: int = 18, gap: int = 40, margin: int = 40,
               fmt: str = "PNG") -> bytes:
    """A picture of ``label``'s digits side by side, left to right."""
    glyphs, x = [], float(margin)
    for digit in label:
        glyph = synth.Glyph(digit=digit, form=0, x=0, y=0, height=height, brush=brush, slant=0.1)
        width, _ = glyph.extent()
        glyphs.append(replace(glyph, x=x, y=margin))
        x += width + gap
    size = (int(max(x - gap + margin, height + 2 * margin)), int(height + brush + 2 * margin))
    coverage = synth.draw(glyphs, size)
    picture = Image.fromarray(np.round(255 - coverage * 255).astype(np.uint8), "L")
    out = io.BytesIO()
    picture.save(out, format=fmt)
    return out.getvalue()


def blank_png(size: int = 280) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), "white").save(out, format="PNG")
    return out.getvalue()
