"""One reading: picture bytes in, digits with confidences and boxes out.

This is the engine's only entry point for the site and the API; it raises the
``ml.errors`` exceptions for pictures it cannot read and never guesses a digit
from a blank one. A picture goes through

    ml.decode (decode, to_grey) -> ml.ink (extract_ink) -> ml.segment (one digit or several)
    -> ml.mnist_form (digit_form) -> ml.model
"""

from __future__ import annotations

import time

import cv2
import numpy as np

from ml import segment
from ml.decode import decode, to_grey
from ml.errors import NotADigit
from ml.ink import Ink, extract_ink
from ml.mnist_form import digit_form, to_mnist
from ml.model import DigitModel, get_model
from ml.reading import DigitReading, Line, Mark, Reading, digit_reading

# zlib's fastest level: a noisy photo barely compresses anyway, and level 3
# costs a third more time for files about 10% smaller.
PNG_COMPRESS_LEVEL = 1
# A mark lower than this share of its line's median height is punctuation, not a digit.
SMALL_MARK = 0.4
# A picture with at least this many marks set aside, and more of them than digits, is
# noise (a wiped screen, a dirty lens, a scribbled-over page), not a number. Measured:
# 185 of 186 random blotch pictures the number reading used to pass, and none of the
# held-out writers' digits nor of the benchmark lines, pages and marked numbers.
NOISE_MARKS = 3


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
    """Every line's digits; marks that are no digit are set aside, unless nothing else is left.

    A picture that is mostly marks set aside is refused as a whole: the few
    blotches of noise that look like a 1 or an 8 do not make it a number.
    """
    judged = _judged_lines(ink, model)
    if not any(keep for line in judged for _, _, keep in line):
        if not force:
            raise NotADigit()
        return tuple(_line([r for _, r, _ in line]) for line in judged), (), True
    lines = tuple(_line([r for _, r, keep in line if keep]) for line in judged if any(k for *_, k in line))
    ignored = tuple(Mark(box=r.box, not_digit=r.not_digit) for line in judged for _, r, keep in line if not keep)
    noise = len(ignored) >= NOISE_MARKS and len(ignored) > sum(len(line.digits) for line in lines)
    if noise and not force:
        raise NotADigit()
    return lines, ignored, noise


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
    return np.stack([np.round(digit_form(s.mask, s.grey) * 255).astype(np.uint8) for s in segments])


class _Scorer:
    """What the model makes of masks (its probabilities, the ten digits first): how
    segment.lines chooses where to split digits that touch. It remembers each answer by
    the mask's identity, so that the parts it chose are not read a second time."""

    def __init__(self, model: DigitModel) -> None:
        self._model = model
        # id(mask) -> (mask, what the model saw, its probabilities); holding the mask keeps its id unique
        self.known: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def __call__(self, masks: list[np.ndarray]) -> np.ndarray:
        return self.read(masks, [to_mnist(m) for m in masks])

    def read(self, masks: list[np.ndarray], forms: list[np.ndarray]) -> np.ndarray:
        """The model's answers for ``forms``, what it is given for each of ``masks``, remembered."""
        seen = np.stack(forms)
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
    new = [s for s in segments if id(s.mask) not in scorer.known]
    if new:
        scorer.read([s.mask for s in new], [digit_form(s.mask, s.grey) for s in new])
    return [
        digit_reading(scorer.known[id(s.mask)][2], s.box, model.uncertain_below, seen=scorer.known[id(s.mask)][1])
        for s in segments
    ]


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
