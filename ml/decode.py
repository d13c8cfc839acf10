"""An upload's bytes to grey levels: the engine's first step (see ml.pipeline).

A picture from a canvas or a phone comes in any format, size, orientation and
transparency. Only the formats a browser or phone sends are opened, no more
pixels than a worker can afford, and nothing larger than the ink is found at.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ExifTags, Image

from ml.errors import ImageTooLarge, UnreadableImage
from ml.formats import ACCEPTED_FORMATS

# Handwriting needs no more than a 12-megapixel phone photo (4032x3024). A picture
# costs a worker up to about 9 bytes a pixel while it is decoded and shrunk (a
# transparent palette: its indices, their RGBA, Pillow's premultiplied copy; a
# progressive JPEG: libjpeg's coefficients, whatever the scale), so this keeps one
# picture near 110 MB, and a worker (about 150 MB with the model) under 300 MB.
MAX_PIXELS = 4096 * 3072
# Pillow decodes a WebP through libwebp's animation decoder, which holds two more
# canvases of the whole picture: twice the bytes a pixel, so half the pixels.
MAX_PIXELS_OF = {"WEBP": MAX_PIXELS // 2}
# Pictures are analysed with their longer side at most this long: enough for a
# line of a dozen digits, and it keeps the analysis of a 12-megapixel photo to
# a few ms. decode() shrinks them by a whole factor, area averaged.
WORK_SIDE = 1000


@dataclass(frozen=True)
class Picture:
    """An upload as the engine reads it: upright, and shrunk on decode to at most WORK_SIDE."""

    image: Image.Image
    size: tuple[int, int]  # the upload's own (width, height), upright: boxes are given in its pixels
    scale: int  # the upload's pixels per pixel of ``image`` (1: not shrunk)

    @property
    def width(self) -> int:
        return self.size[0]

    @property
    def height(self) -> int:
        return self.size[1]


# EXIF orientations and the turn that makes each upright (as ImageOps.exif_transpose turns them).
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_TURNS = (5, 6, 7, 8)


def decode(data: bytes) -> Picture:
    """Decode an upload (first frame of a GIF), upright as its EXIF says, no larger than it is read.

    The ink is found with the longer side at most WORK_SIDE, shrunk by a whole
    factor, so the picture is brought to that size as it is decoded: a JPEG by
    libjpeg's own scaling (1/2 to 1/8, straight to grey), anything else by
    area averaging before any other conversion. A big picture then never exists
    in memory more than once at full size. Only the formats a browser or phone
    sends are opened: Pillow knows many more (some with fragile decoders).
    """
    if not data:
        raise UnreadableImage()
    try:
        image: Image.Image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge() from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableImage() from exc
    # Checked from the header, before anything is decoded: libjpeg keeps a
    # progressive JPEG's coefficients at full size even when it decodes it small.
    width, height = image.size
    limit = MAX_PIXELS_OF.get(image.format or "", MAX_PIXELS)
    if width * height > limit:
        raise ImageTooLarge(
            f"This picture is {width}x{height} pixels: please send one of at most "
            f"{limit / 1_000_000:.1f} megapixels{' as WebP' if limit < MAX_PIXELS else ''}."
        )
    if width == 0 or height == 0:
        raise UnreadableImage()
    scale = math.ceil(max(width, height) / WORK_SIDE)
    size = (max(1, width // scale), max(1, height // scale))
    try:
        drafted = image.draft("L", size)  # JPEG only; other formats ignore it
        image.load()
        orientation = _orientation(image)
        if image.size != size:
            image = _shrunk(image, size, drafted[1] if drafted else None)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise UnreadableImage() from exc
    if orientation in _UPRIGHT:
        image = image.transpose(_UPRIGHT[orientation])
    upright = (height, width) if orientation in _QUARTER_TURNS else (width, height)
    return Picture(image=image, size=upright, scale=scale)


def _orientation(image: Image.Image) -> int:
    """The EXIF (or XMP) orientation, 1 (as stored) when there is none or it cannot be read."""
    try:
        return int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        return 1  # a broken EXIF block: the pixels themselves are fine


def _shrunk(image: Image.Image, size: tuple[int, int], box: tuple[float, float, float, float] | None) -> Image.Image:
    """The picture area-averaged to ``size`` (its ``box`` part, where a JPEG's scaling left a margin).

    Pillow averages a transparent picture premultiplied, so transparent pixels
    lend the strokes none of their colour; bilevel and palette pictures are
    expanded first, since Pillow would only pick some of their pixels.
    """
    if image.mode in ("1", "P", "PA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB" if image.mode != "1" else "L")
    return image.resize(size, Image.Resampling.BOX, box=box)


def flatten(image: Image.Image) -> np.ndarray:
    """The picture's uint8 pixels, transparency composited away: (h, w) grey when it
    has no colour, else (h, w, 3) RGB.

    Transparent pixels take the colour opposite to the strokes, so both white
    and black strokes on a transparent canvas come out as ink on paper. The
    work is done on OpenCV planes: a third of the cost of Pillow's conversions.
    """
    if image.mode.startswith("I"):  # 16- and 32-bit greys
        return _to_8bit(np.asarray(image))
    if _has_alpha(image):
        image = image if image.mode == "RGBA" else image.convert("RGBA")
    elif image.mode not in ("L", "RGB"):
        image = image.convert("RGB" if _is_colour(image) else "L")
    pixels = np.asarray(image)
    if pixels.ndim == 2:
        return pixels
    planes = list(cv2.split(pixels))
    alpha = planes.pop() if image.mode == "RGBA" else None
    grey = all(cv2.countNonZero(cv2.bitwise_xor(planes[0], plane)) == 0 for plane in planes[1:])
    planes = planes[:1] if grey else planes
    if alpha is not None and cv2.minMaxLoc(alpha)[0] < 255:  # canvases often carry an alpha that is all opaque
        fill = _transparent_fill(planes, alpha)
        planes = [_over(plane, alpha, fill) for plane in planes]
    elif alpha is None and not grey:
        return pixels  # a colour picture with nothing to flatten
    return planes[0] if grey else cv2.merge(planes)


def to_grey(image: Image.Image) -> np.ndarray:
    """The picture as a (h, w) uint8 array of grey levels, alpha flattened."""
    return opaque_grey(image) if is_opaque(image) else grey_of(flatten(image))


def is_opaque(image: Image.Image) -> bool:
    """An 8-bit grey, RGB or RGBA picture with no transparent pixel: nothing to flatten.

    Canvas exports are RGBA with every pixel opaque, the most common upload of all.
    """
    if image.mode not in ("L", "RGB", "RGBA") or "transparency" in image.info:
        return False
    return image.mode != "RGBA" or image.getchannel("A").getextrema() == (255, 255)


def opaque_grey(image: Image.Image) -> np.ndarray:
    """An opaque picture's grey levels (see is_opaque), straight from Pillow.

    The same ITU-R 601 luma as grey_of(flatten(image)), at a fifth of the cost:
    no copy of all four channels into NumPy, no search for colour or alpha.
    """
    return np.asarray(image if image.mode == "L" else image.convert("L"))


def grey_of(pixels: np.ndarray) -> np.ndarray:
    """Pixels as flatten() gives them, as grey levels (ITU-R 601 luma, as Pillow's 'L')."""
    return pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _is_colour(image: Image.Image) -> bool:
    return image.mode not in ("1", "L", "LA", "La")


def _to_8bit(values: np.ndarray) -> np.ndarray:
    """16-bit greys (or 'I' holding 0..65535) to 0..255; 'I' already in 0..255 stays."""
    top = 255.0 if values.max(initial=0) <= 255 else 65535.0
    return np.clip(values.astype(np.float32) * (255.0 / top) + 0.5, 0, 255).astype(np.uint8)


def _transparent_fill(planes: list[np.ndarray], alpha: np.ndarray) -> int:
    """The grey (0 or 255) that transparent pixels become.

    When the visible pixels are a minority they are strokes, and the fill is
    the opposite of their tone; when they are the majority they are the paper
    (with a transparent margin), and the fill continues it.
    """
    visible = cv2.compare(alpha, 127, cv2.CMP_GT)  # type: ignore[call-overload]  # a scalar src2 works; stubs: arrays
    count = cv2.countNonZero(visible)
    if count == 0:
        return 255  # nothing visible: blank either way
    means = [cv2.mean(plane, mask=visible)[0] for plane in planes]
    tone = means[0] if len(means) == 1 else 0.299 * means[0] + 0.587 * means[1] + 0.114 * means[2]
    mostly_opaque = count >= alpha.size / 2
    return 255 if (tone >= 128) == mostly_opaque else 0


def _over(plane: np.ndarray, alpha: np.ndarray, fill: int) -> np.ndarray:
    """One colour plane composited over a black (0) or white (255) background."""
    if fill == 0:
        return cv2.multiply(plane, alpha, scale=1 / 255)
    return cv2.bitwise_not(cv2.multiply(cv2.bitwise_not(plane), alpha, scale=1 / 255))
