"""One reading: picture bytes in, digits with confidences and boxes out.

This is the engine's only entry point for the site and the API; it raises the
``ml.errors`` exceptions for pictures it cannot read and never guesses a digit
from a blank one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from ml import segment
from ml.errors import NotADigit
from ml.model import DigitModel, get_model
from ml.preprocess import Ink, decode, extract_ink, to_grey, to_mnist

# zlib's fastest level: a noisy photo barely compresses anyway, and level 3
# costs a third more time for files about 10% smaller.
PNG_COMPRESS_LEVEL = 1
# A mark lower than this share of its line's median height is punctuation, not a digit.
SMALL_MARK = 0.4

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
    # ml.preprocess.WORK_SIDE): what a caller keeps of the picture, with encode_png().
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


def read(
    data: bytes, *, multi: bool, model: DigitModel | None = None, force: bool = False, auto: bool = False
) -> Reading:
    """Read one digit (``multi=False``: all the ink is one digit) or every number in the picture.

    Raises NotADigit when the ink is no digit (in a number: when none of its
    marks is one), unless ``force`` asks for the best digit all the same.
    ``auto`` with ``multi=False`` lets the ink decide: where the one-digit
    reading sees several separate digits, the picture is read as a number
    instead, so a person drawing "372" gets 372 without choosing a mode.
    """
    started = time.perf_counter()
    model = model or get_model()
    decoded = decode(data)
    grey = to_grey(decoded.image)
    ink = extract_ink(grey, scale=decoded.scale, size=decoded.size)
    if multi:
        lines, ignored, forced = _read_lines(ink, model, force)
        separate = 1
    else:
        lines, forced, separate = _read_whole(ink, model, force)
        ignored = ()
        if auto and separate > 1:
            (lines, ignored, forced), multi, separate = _read_lines(ink, model, force), True, 1
    return Reading(
        lines=lines,
        multi=multi,
        width=decoded.width,
        height=decoded.height,
        model_version=model.version,
        duration_ms=(time.perf_counter() - started) * 1000,
        picture=grey,
        ignored=ignored,
        forced=forced,
        separate_digits=separate,
    )


def _read_whole(ink: Ink, model: DigitModel, force: bool) -> tuple[tuple[Line, ...], bool, int]:
    """All the ink as one digit; the separate marks are read too, to say when it was a number."""
    whole = segment.whole(ink)
    parts = [s for line in segment.lines(ink) for s in line]  # separate marks: touching ones are one digit
    segments = [whole] + (parts if len(parts) > 1 else [])
    readings = _digit_readings(model, segments)
    digit = readings[0]
    separate = max(1, sum(r.not_digit < model.refuse_at and not r.uncertain for r in readings[1:]))
    # Several sure digits squeezed into one rarely look like a digit: that is said, not refused.
    forced = digit.not_digit >= model.refuse_at and separate == 1
    if forced and not force:
        raise NotADigit()
    return (Line(digits=(digit,), box=digit.box),), forced, separate


def _read_lines(ink: Ink, model: DigitModel, force: bool) -> tuple[tuple[Line, ...], tuple[Mark, ...], bool]:
    """Every line's digits; marks that are no digit are set aside, unless nothing else is left."""
    judged = _judged_lines(ink, model)
    if not any(keep for line in judged for _, _, keep in line):
        if not force:
            raise NotADigit()
        return tuple(_line([r for _, r, _ in line]) for line in judged), (), True
    lines = tuple(_line([r for _, r, keep in line if keep]) for line in judged if any(k for *_, k in line))
    ignored = tuple(Mark(box=r.box, not_digit=r.not_digit) for line in judged for _, r, keep in line if not keep)
    return lines, ignored, False


def _judged_lines(ink: Ink, model: DigitModel) -> list[list[tuple[segment.Segment, DigitReading, bool]]]:
    """Each line's segments, each with its reading and whether it is kept as a digit."""
    score = _sureness(model)
    found = segment.lines(ink, score, sure=model.uncertain_below)
    readings = iter(_digit_readings(model, [s for line in found for s in line], score))
    judged = []
    for line in found:
        pairs = [(s, next(readings)) for s in line]
        median = float(np.median([r.box[3] for _, r in pairs]))
        judged.append([(s, r, _is_digit(r, median, model)) for s, r in pairs])
    return judged


def _is_digit(reading: DigitReading, line_height: float, model: DigitModel) -> bool:
    """Neither refused by the model nor much smaller than the digits of its line.

    The model sees every mark scaled to the same 20 px, so a comma or a full
    stop looks to it like a 1 or a 0; beside its line's digits it is tiny.
    """
    return reading.not_digit < model.refuse_at and reading.box[3] >= SMALL_MARK * line_height


def _line(digits: list[DigitReading]) -> Line:
    left = min(d.box[0] for d in digits)
    top = min(d.box[1] for d in digits)
    right = max(d.box[0] + d.box[2] for d in digits)
    bottom = max(d.box[1] + d.box[3] for d in digits)
    return Line(digits=tuple(digits), box=(left, top, right - left, bottom - top))


def model_inputs(data: bytes, *, multi: bool, model: DigitModel | None = None) -> np.ndarray:
    """The (n, 28, 28) uint8 digits the model sees for a picture, line by line, left to right.

    With the digits a person says the picture shows, they are training data
    in MNIST's own form: how corrections become a better model. Marks left out
    of a number are left out here too, so they pair with the label's digits.
    """
    decoded = decode(data)
    ink = extract_ink(to_grey(decoded.image), scale=decoded.scale, size=decoded.size)
    if multi:
        judged = _judged_lines(ink, model or get_model())
        segments = [s for line in judged for s, _, keep in line if keep] or [s for line in judged for s, _, _ in line]
    else:
        segments = [segment.whole(ink)]
    return np.stack([np.round(to_mnist(s.mask) * 255).astype(np.uint8) for s in segments])


class _Scorer:
    """What the model makes of masks (its probabilities, the ten digits first): how
    segment.lines chooses where to split digits that touch. It remembers each answer by
    the mask's identity, so that the parts it chose are not read a second time."""

    def __init__(self, model: DigitModel) -> None:
        self._model = model
        # id(mask) -> (mask, what the model saw, its probabilities); holding the mask keeps its id unique
        self.known: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __call__(self, masks: list[np.ndarray]) -> np.ndarray:
        seen = np.stack([to_mnist(m) for m in masks])
        probabilities = self._model.predict(seen)
        self.known.update((id(m), (m, x, p)) for m, x, p in zip(masks, seen, probabilities, strict=True))
        return probabilities


def _sureness(model: DigitModel) -> _Scorer:
    """The scorer segment.lines splits touching digits with (a segment.Score)."""
    return _Scorer(model)


def _digit_readings(
    model: DigitModel, segments: list[segment.Segment], scorer: _Scorer | None = None
) -> list[DigitReading]:
    """Each segment read; those the scorer already read (while splitting) are not read again."""
    scorer = scorer or _Scorer(model)
    new = [s.mask for s in segments if id(s.mask) not in scorer.known]
    if new:
        scorer(new)
    return [
        digit_reading(scorer.known[id(s.mask)][2], s.box, model.uncertain_below, seen=scorer.known[id(s.mask)][1])
        for s in segments
    ]


def digit_reading(
    probabilities: np.ndarray, box: Box, uncertain_below: float, seen: np.ndarray | None = None
) -> DigitReading:
    """One row of the model's (calibrated) output as a reading; an 11th column is "not a digit"."""
    p = probabilities.astype(np.float64)
    p /= p.sum()  # float32 softmax sums to 1 only within ~1e-6
    not_digit = float(p[10]) if len(p) > 10 else 0.0
    conditional = p[:10] / max(1.0 - not_digit, 1e-30)
    digit = int(np.argmax(conditional))
    confidence = float(conditional[digit] * (1.0 - not_digit))
    return DigitReading(
        digit=digit,
        confidence=confidence,
        probabilities=tuple(float(v) for v in conditional),
        box=box,
        uncertain=confidence < uncertain_below,
        not_digit=not_digit,
        seen=seen,
    )


def encode_png(picture: np.ndarray) -> bytes:
    """A Reading's picture as a PNG: the pixels read, never the bytes received.

    A received file can carry anything after its pixels (after PNG's IEND, in
    ancillary chunks, padding in the compressed data) and take up to the upload
    limit; its pixels, at most WORK_SIDE a side, cannot. OpenCV encodes about
    twice as fast as Pillow (a 280x280 drawing in 0.1 ms); PNG's per-row filters
    cost time for no gain on drawings.
    """
    ok, encoded = cv2.imencode(
        ".png",
        picture,
        [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESS_LEVEL, cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE],
    )
    if not ok:
        raise RuntimeError("OpenCV could not encode a PNG")
    return encoded.tobytes()
