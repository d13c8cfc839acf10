"""A reading as plain data, defined once for what is stored and what is sent.

The engine's Reading (ml.pipeline) is a frozen dataclass with properties; the
site keeps it in a Prediction row and the API sends it as JSON. Both take this
one dict, so a field added to the reading is added in one place. Each part
uses the engine's own ``as_dict()``.
"""

from __future__ import annotations

from collections.abc import Sequence

from ml.pipeline import Reading

# Two digits are "close" when the runner-up's probability is within this of the
# best one's: the pages then say "4, maybe 9". The drawing page gets the same
# value from its template (data-close-within), so the rule has one number.
CLOSE_WITHIN = 0.25


def reading_as_dict(reading: Reading) -> dict:
    """Every field of a reading, in plain JSON types, named as Prediction's fields are."""
    return {
        "digit": reading.digit,
        "confidence": reading.confidence,
        "probabilities": list(reading.probabilities) if reading.probabilities is not None else None,
        "digits": [d.as_dict() for d in reading.digits],
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


def runner_up(probabilities: Sequence[float] | None) -> int | None:
    """The second-best digit when it is close to the best (within CLOSE_WITHIN), else None.

    A reading of "4" at 55% with "9" at 40% is honestly "4, maybe 9"; showing only
    the 4 would hide that the model nearly chose the 9.
    """
    if not probabilities or len(probabilities) < 2:
        return None
    best, second = sorted(range(len(probabilities)), key=lambda i: -probabilities[i])[:2]
    return second if probabilities[best] - probabilities[second] <= CLOSE_WITHIN else None
