"""Drawing on the drawing page as a person does, and waiting for what it shows.

Strokes are real pointer moves (mouse down, moves, up) along the handwriting
templates the benchmarks draw their pictures with (benchmarks.glyphs), so the real
model reads them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from benchmarks.glyphs import Glyph

CANVAS = 400  # the canvas's own pixels (its width and height in templates/recognizer/draw.html)


def glyph_strokes(digit: str, x: float, y: float, height: float) -> list[np.ndarray]:
    """The strokes of a plainly written digit, in canvas pixels, its box starting at (x, y)."""
    return replace(Glyph(digit=digit, form=0, x=0, y=0, height=height, brush=0, slant=0.1), x=x, y=y).strokes()


def on_canvas(page) -> Callable[[np.ndarray], tuple[float, float]]:
    """What turns a point in canvas pixels into one on the page, for the mouse."""
    box = page.locator("#canvas").bounding_box()
    scale = box["width"] / CANVAS

    def at(point: np.ndarray) -> tuple[float, float]:
        return box["x"] + point[0] * scale, box["y"] + point[1] * scale

    return at


def readings_sent(page) -> list:
    """The requests to /api/v1/readings/ the page sends from now on, kept as it sends them."""
    sent = []

    def keep(request) -> None:
        if "/api/v1/readings/" in request.url:
            sent.append(request)

    page.on("request", keep)
    return sent


def draw(page, strokes: list[np.ndarray], step: float = 6.0) -> None:
    """Mouse down, move along the stroke every few pixels, mouse up: one stroke each."""
    at = on_canvas(page)
    for stroke in strokes:
        page.mouse.move(*at(stroke[0]))
        page.mouse.down()
        for start, end in itertools.pairwise(stroke):
            n = max(1, int(np.hypot(*(end - start)) / step))
            for t in np.linspace(0, 1, n + 1)[1:]:
                page.mouse.move(*at(start + (end - start) * t))
        page.mouse.up()


def wait_for_saved_reading(page) -> None:
    page.locator("#result-detail-link").wait_for()


def wait_for_reading(page, kind: str, value: str | None = None) -> None:
    """Until the reading on the page is of this kind (live, read, stored), and this value if given."""
    page.wait_for_function(
        "([kind, value]) => document.getElementById('draw-app').dataset.readingKind === kind && "
        "(value === null || document.getElementById('result-value').textContent.trim() === value)",
        arg=[kind, value],
    )


def result_value(page) -> str:
    return page.locator("#result-value").inner_text().strip()


def is_disabled(page, button_id: str) -> bool:
    return page.evaluate("id => document.getElementById(id).disabled", button_id)
