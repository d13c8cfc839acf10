"""One reading: picture bytes in, digits with confidences and boxes out.

This is the engine's only entry point for the site and the API; it raises the
``ml.errors`` exceptions for pictures it cannot read and never guesses a digit
from a blank one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from ml import segment
from ml.model import DigitModel, get_model
from ml.preprocess import decode, extract_ink, flatten, grey_of, is_opaque, opaque_grey, to_grey, to_mnist

# Below this top-1 probability a digit is flagged for the owner or a reviewer.
UNCERTAIN_BELOW = 0.8
# The stored copy of the input: large enough to check a reading by eye.
STORED_SIDE = 1024
# zlib's fastest level: a noisy photo barely compresses anyway, and level 3
# costs a third more time for files about 10% smaller.
PNG_COMPRESS_LEVEL = 1


@dataclass(frozen=True)
class DigitReading:
    digit: int
    confidence: float
    probabilities: tuple[float, ...]  # 10 values summing to 1
    box: tuple[int, int, int, int]  # (x, y, w, h) in the decoded picture's pixels
    uncertain: bool

    def as_dict(self) -> dict:
        """Plain JSON types: how a digit is stored and sent."""
        return {"digit": self.digit, "confidence": self.confidence, "probabilities": list(self.probabilities),
                "box": list(self.box), "uncertain": self.uncertain}


@dataclass(frozen=True)
class Reading:
    digits: tuple[DigitReading, ...]  # left to right
    multi: bool
    width: int  # of the decoded picture, after EXIF rotation
    height: int
    model_version: str
    duration_ms: float
    png: bytes  # what is stored: an opaque PNG as received, else re-encoded flattened and capped

    @property
    def number(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

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


def read(data: bytes, *, multi: bool, model: DigitModel | None = None) -> Reading:
    """Read one digit (``multi=False``: all the ink is one digit) or a line of digits."""
    started = time.perf_counter()
    model = model or get_model()
    image = decode(data)
    if _storable_as_received(image):  # only its grey levels are needed
        grey, png = opaque_grey(image), data
    else:
        pixels = flatten(image)
        grey, png = grey_of(pixels), _stored_png(pixels)
    segments = _segments(grey, multi)
    probabilities = model.predict(np.stack([to_mnist(s.mask) for s in segments]))
    digits = tuple(_digit_reading(p, s.box) for p, s in zip(probabilities, segments))
    height, width = grey.shape
    return Reading(digits=digits, multi=multi, width=width, height=height,
                   model_version=model.version, duration_ms=(time.perf_counter() - started) * 1000, png=png)


def model_inputs(data: bytes, *, multi: bool) -> np.ndarray:
    """The (n, 28, 28) uint8 digits the model sees for a picture, left to right.

    With the digits a person says the picture shows, they are training data
    in MNIST's own form: how corrections become a better model.
    """
    segments = _segments(to_grey(decode(data)), multi)
    return np.stack([np.round(to_mnist(s.mask) * 255).astype(np.uint8) for s in segments])


def _segments(grey: np.ndarray, multi: bool) -> list[segment.Segment]:
    ink = extract_ink(grey)
    return segment.split(ink) if multi else [segment.whole(ink)]


def _digit_reading(probabilities: np.ndarray, box: tuple[int, int, int, int]) -> DigitReading:
    p = probabilities.astype(np.float64)
    p /= p.sum()  # float32 softmax sums to 1 only within ~1e-6
    digit = int(np.argmax(p))
    confidence = float(p[digit])
    return DigitReading(digit=digit, confidence=confidence, probabilities=tuple(float(v) for v in p),
                        box=box, uncertain=confidence < UNCERTAIN_BELOW)


def _storable_as_received(image: Image.Image) -> bool:
    """An opaque PNG within the size cap, with no EXIF turn, is kept byte for byte.

    Pillow has decoded all of it, so it is a sound PNG; re-encoding it would
    only cost time (a fifth of an API request's CPU) and lose nothing but
    fidelity. Canvas exports are RGBA with every pixel opaque, so they qualify.
    """
    return image.format == "PNG" and max(image.size) <= STORED_SIDE and "exif" not in image.info \
        and is_opaque(image)


def _stored_png(pixels: np.ndarray) -> bytes:
    """The flattened picture (grey unless it has colour) capped at STORED_SIDE.

    OpenCV resizes and encodes about twice as fast as Pillow; area averaging
    only pays off (against aliasing) when shrinking by more than half, and
    PNG's per-row filters cost time for no gain on drawings.
    """
    height, width = pixels.shape[:2]
    factor = STORED_SIDE / max(height, width)
    if factor < 1:
        size = (max(1, round(width * factor)), max(1, round(height * factor)))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA if factor < 0.5 else cv2.INTER_LINEAR)
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    ok, encoded = cv2.imencode(".png", pixels, [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESS_LEVEL,
                                                cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE])
    if not ok:
        raise RuntimeError("OpenCV could not encode a PNG")
    return encoded.tobytes()
