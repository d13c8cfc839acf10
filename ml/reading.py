"""What a reading is: each digit with its probabilities and box, the lines of a number,
and the marks left out of it, as ml.pipeline.read gives them.

Frozen values with plain-JSON ``as_dict`` forms: the site stores and sends
them, and the tests compare them, without knowing how they were read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Box = tuple[int, int, int, int]  # (x, y, w, h) in the upload's own pixels, upright


@dataclass(frozen=True)
class DigitReading:
    digit: int
    confidence: float  # the probability that this is ``digit``: probabilities[digit] * (1 - not_digit)
    probabilities: tuple[float, ...]  # 10 values summing to 1: which digit, if it is one
    box: Box
    uncertain: bool  # confidence below the model's threshold
    not_digit: float = 0.0  # the probability that this mark is no digit at all
    # The 28x28 picture (0 paper to 1 ink) the model was given: people trust a reading they can check.
    seen: np.ndarray | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict:
        """Plain JSON types: how a digit is stored and sent."""
        return {
            "digit": self.digit,
            "confidence": self.confidence,
            "probabilities": list(self.probabilities),
            "box": list(self.box),
            "uncertain": self.uncertain,
            "not_digit": self.not_digit,
        }


@dataclass(frozen=True)
class Mark:
    """Ink in a number that is not a digit (a dash, a colon, a comma): left out of it."""

    box: Box
    not_digit: float

    def as_dict(self) -> dict:
        return {"box": list(self.box), "not_digit": self.not_digit}


@dataclass(frozen=True)
class Line:
    digits: tuple[DigitReading, ...]  # left to right
    box: Box

    @property
    def number(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    def as_dict(self) -> dict:
        return {"number": self.number, "box": list(self.box), "digits": [d.as_dict() for d in self.digits]}


@dataclass(frozen=True)
class Reading:
    lines: tuple[Line, ...]  # top to bottom; one line for a single digit
    multi: bool
    width: int  # of the upload, upright as its EXIF says
    height: int
    model_version: str
    duration_ms: float
    # The grey levels read (upright, transparency flattened, longer side at most
    # ml.decode.WORK_SIDE): what a caller keeps of the picture, with encode_png().
    picture: np.ndarray = field(compare=False, repr=False)
    ignored: tuple[Mark, ...] = ()  # marks left out of the number (multi only)
    forced: bool = False  # read with force=True although the engine found no digit
    separate_digits: int = 1  # separate digits seen in a one-digit reading (more than 1: it was a number)

    @property
    def digits(self) -> tuple[DigitReading, ...]:
        """Every digit read, left to right and line by line."""
        return tuple(d for line in self.lines for d in line.digits)

    @property
    def number(self) -> str:
        return " ".join(line.number for line in self.lines)

    @property
    def digit(self) -> int | None:
        return None if self.multi else self.digits[0].digit

    @property
    def confidence(self) -> float:
        """The single digit's, or the weakest digit's: a number is only as sure as its worst digit."""
        return min(d.confidence for d in self.digits)

    @property
    def probabilities(self) -> tuple[float, ...] | None:
        return None if self.multi else self.digits[0].probabilities

    @property
    def uncertain(self) -> bool:
        return any(d.uncertain for d in self.digits)

    @property
    def notice(self) -> str | None:
        """A sentence for what the answer alone would hide."""
        if self.separate_digits > 1:
            return (
                f"This picture seems to show {self.separate_digits} separate digits, read here as one: "
                "read it as a number to get them all."
            )
        if self.forced:
            return "This does not look like a digit; it was read anyway, as you asked."
        return None


def digit_reading(
    probabilities: np.ndarray, box: Box, uncertain_below: float, seen: np.ndarray | None = None
) -> DigitReading:
    """One row of the model's (calibrated) output as a reading; an 11th column is "not a digit"."""
    p = probabilities.astype(np.float64)
    p /= p.sum()  # float32 softmax sums to 1 only within ~1e-6
    not_digit = float(p[10]) if len(p) > 10 else 0.0
    # Divided by the ten digits' own mass, not by 1 - not_digit: when "not a digit" is within
    # rounding of 1, the difference is rounding noise, and the ten no longer summed to 1.
    mass = float(p[:10].sum())
    conditional = p[:10] / mass if mass > 0 else np.full(10, 0.1)
    digit = int(np.argmax(conditional))
    confidence = float(conditional[digit] * mass)
    return DigitReading(
        digit=digit,
        confidence=confidence,
        probabilities=tuple(float(v) for v in conditional),
        box=box,
        uncertain=confidence < uncertain_below,
        not_digit=not_digit,
        seen=seen,
    )
