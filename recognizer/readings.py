"""A reading as plain data, defined once for what is stored and what is sent.

The engine's Reading (ml.pipeline) is a frozen dataclass with properties; the
site keeps it in a Prediction row and the API sends it as JSON. Both take this
one dict, so a field added to the reading is added in one place. Each part
uses the engine's own ``as_dict()``.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np

from recognizer.engine_port import ACCEPTED_FORMATS, DigitReading, Reading, encode_png

# Two digits are "close" when the runner-up's probability is within this of the
# best one's: the pages then say "4, maybe 9". The drawing page's script gets the
# same value in its JSON config (recognizer.presentation.script_rules), so the rule
# has one number.
CLOSE_WITHIN = 0.25

# The pictures the engine opens, as browsers name them (a file input's accept) and as people do.
ACCEPTED_TYPES = tuple(f"image/{name.lower()}" for name in ACCEPTED_FORMATS)  # as IANA names all five


def reading_as_dict(reading: Reading, *, seen: bool = False) -> dict:
    """Every field of a reading, in plain JSON types, named as Prediction's fields are.

    ``seen`` adds to each of ``digits`` the 28x28 picture the model was given
    (``seen``, a PNG data URL): sent when asked, never stored.
    """
    return {
        "digit": reading.digit,
        "confidence": reading.confidence,
        "probabilities": list(reading.probabilities) if reading.probabilities is not None else None,
        "digits": [_with_seen(d) if seen else d.as_dict() for d in reading.digits],
        "lines": [line.as_dict() for line in reading.lines],
        "ignored": [mark.as_dict() for mark in reading.ignored],
        "number": reading.number,
        "multi": reading.multi,
        "uncertain": reading.uncertain,
        "forced": reading.forced,
        "notice": reading.notice,
        "separate_digits": reading.separate_digits,
        "width": reading.width,
        "height": reading.height,
        "model_version": reading.model_version,
        "duration_ms": reading.duration_ms,
    }


def _with_seen(digit: DigitReading) -> dict:
    return {**digit.as_dict(), "seen": seen_data_url(digit.seen) if digit.seen is not None else None}


def seen_data_url(pixels: np.ndarray) -> str:
    """A model input (28x28, 0 to 1, white ink on black as MNIST) as a PNG data URL of about 300 bytes."""
    png = encode_png(np.clip(np.round(pixels * 255), 0, 255).astype(np.uint8))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def runner_up(probabilities: Sequence[float] | None) -> int | None:
    """The second-best digit when it is close to the best (within CLOSE_WITHIN), else None.

    A reading of "4" at 55% with "9" at 40% is honestly "4, maybe 9"; showing only
    the 4 would hide that the model nearly chose the 9.
    """
    if not probabilities or len(probabilities) < 2:
        return None
    best, second = sorted(range(len(probabilities)), key=lambda i: -probabilities[i])[:2]
    return second if probabilities[best] - probabilities[second] <= CLOSE_WITHIN else None
