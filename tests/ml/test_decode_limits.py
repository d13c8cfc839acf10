"""No picture takes a worker past 300 MB: a pixel cap, checked from the header, and shrinking on decode.

A worker holds the model in about 150 MB, so one reading may add at most 150 MB.
Memory is measured in a fresh process (its peak resident size before and after
one read(), from getrusage), so the figure is this picture's alone and no
timing is involved.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from ml.decode import MAX_PIXELS, MAX_PIXELS_OF, WORK_SIDE
from ml.errors import ImageTooLarge
from ml.model import get_model
from ml.pipeline import read

ROOT = Path(__file__).resolve().parents[2]
WORKER_ALLOWANCE_MB = 150  # 300 MB for a worker, less the model's 150

# Read one picture in a process of its own, after the model and a first reading
# are in memory, and print how far that one reading raised the peak.
MEASURE = """
import json, resource, sys
import cv2
cv2.setNumThreads(1)  # as the web workers run it
from ml.model import get_model
from ml.pipeline import read
from benchmarks.pictures import digits_png
model = get_model()
read(digits_png("7"), multi=False, model=model)
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
reading = read(data, multi=True, model=model)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"growth_mb": (after - before) / 1024, "number": reading.number,
                  "size": [reading.width, reading.height]}))
"""


def a_one(width: int, height: int) -> np.ndarray:
    """White paper with a 1 drawn down its middle, as thick as a marker on a page of that size."""
    grey = np.full((height, width), 255, np.uint8)
    cv2.line(grey, (width // 2, height // 5), (width // 2, height * 4 // 5), 0, max(3, height // 40))
    return grey


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def transparent_palette_png(width: int, height: int) -> bytes:
    """The dearest kind to decode: indices, then RGBA, then Pillow's premultiplied copy."""
    return encoded(Image.fromarray(a_one(width, height)).convert("P"), "PNG", transparency=255)


def progressive_cmyk_jpeg(width: int, height: int) -> bytes:
    """libjpeg keeps a progressive JPEG's coefficients at full size, 8 bytes a pixel for CMYK."""
    return encoded(Image.fromarray(a_one(width, height)).convert("CMYK"), "JPEG", progressive=True, quality=90)


def lossless_webp(width: int, height: int) -> bytes:
    return encoded(Image.fromarray(a_one(width, height)).convert("RGBA"), "WEBP", lossless=True)


def png(width: int, height: int) -> bytes:
    return encoded(Image.fromarray(a_one(width, height)), "PNG", optimize=True)


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small JPEG whose header says it is ``width`` x ``height``: a bomb's header."""
    data = bytearray(encoded(Image.fromarray(a_one(64, 48)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize(
    "make,size,cap",
    [
        (transparent_palette_png, (4096, 3072), MAX_PIXELS),
        (progressive_cmyk_jpeg, (4096, 3072), MAX_PIXELS),
        (lossless_webp, (2896, 2172), MAX_PIXELS_OF["WEBP"]),
    ],
    ids=["transparent-palette-png", "progressive-cmyk-jpeg", "webp"],
)
def test_a_picture_at_the_pixel_cap_is_read_within_a_workers_allowance(tmp_path, make, size, cap):
    width, height = size
    assert 0.99 * cap < width * height <= cap
    path = tmp_path / "picture"
    path.write_bytes(make(width, height))
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["number"] == "1" and measured["size"] == [width, height]
    assert measured["growth_mb"] < WORKER_ALLOWANCE_MB, measured


def test_a_large_picture_is_read_at_the_working_size_with_boxes_in_its_own_pixels():
    width, height = 4000, 3000
    grey = a_one(width, height)
    reading = read(encoded(Image.fromarray(grey), "JPEG", quality=90), multi=False, model=get_model())
    assert reading.picture.shape == (750, WORK_SIDE)  # a quarter of each side
    assert (reading.width, reading.height) == (width, height)
    ys, xs = np.nonzero(grey < 128)
    expected = (xs.min(), ys.min(), np.ptp(xs) + 1, np.ptp(ys) + 1)
    assert np.allclose(reading.digits[0].box, expected, atol=8)  # two working pixels


def turned_jpeg(grey: np.ndarray) -> bytes:
    """A camera's JPEG: its pixels a quarter turn off, and EXIF saying how to stand them up."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return encoded(Image.fromarray(grey).transpose(Image.Transpose.ROTATE_90), "JPEG", exif=exif)


@pytest.mark.parametrize(
    "kind", ["L", "I;16", "LA", "P", "1", "RGB", "transparent", "GIF", "BMP", "WEBP", "CMYK JPEG", "turned JPEG"]
)
def test_every_kind_of_picture_is_shrunk_on_decode_and_read_in_its_own_pixels(kind):
    width, height = 2400, 1800
    grey = a_one(width, height)
    picture = Image.fromarray(grey)
    data = {
        "I;16": lambda: encoded(Image.fromarray(grey.astype(np.uint16) * 257), "PNG"),
        "transparent": lambda: encoded(
            Image.fromarray(np.dstack([np.zeros((height, width, 3), np.uint8), 255 - grey]), "RGBA"), "PNG"
        ),
        "GIF": lambda: encoded(picture, "GIF"),
        "BMP": lambda: encoded(picture.convert("RGB"), "BMP"),
        "WEBP": lambda: encoded(picture.convert("RGB"), "WEBP"),
        "CMYK JPEG": lambda: encoded(picture.convert("CMYK"), "JPEG"),
        "turned JPEG": lambda: turned_jpeg(grey),
    }.get(kind, lambda: encoded(picture.convert(kind), "PNG"))()
    reading = read(data, multi=False, model=get_model())
    assert reading.number == "1" and (reading.width, reading.height) == (width, height)
    assert reading.picture.shape == (600, 800)  # a third of each side
    ys, xs = np.nonzero(grey < 128)
    expected = (xs.min(), ys.min(), np.ptp(xs) + 1, np.ptp(ys) + 1)
    assert np.allclose(reading.digits[0].box, expected, atol=6)  # two working pixels


@pytest.mark.parametrize(
    "make,size",
    [
        (png, (6324, 6324)),  # the picture: 54 KB here, 40 megapixels
        (jpeg_claiming, (9000, 9000)),
        (lossless_webp, (3000, 2200)),  # within the cap for other formats, over WebP's
    ],
    ids=["png-40MP", "jpeg-81MP", "webp-6.6MP"],
)
def test_a_picture_over_the_cap_is_refused_with_a_sentence(make, size):
    with pytest.raises(ImageTooLarge) as refused:
        read(make(*size), multi=False, model=get_model())
    message = str(refused.value)
    assert message.startswith(f"This picture is {size[0]}x{size[1]} pixels: please send one of at most ")
    assert "megapixels" in message and message.endswith(".")
