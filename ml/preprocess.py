"""Any picture to the 28x28 form the model was trained on.

MNIST digits were made from bilevel scans: each digit's bounding box scaled
(aspect kept) so its longer side is 20 px, anti-aliased by that scaling, then
put in a 28x28 field with its centre of mass at the centre. A picture from a
canvas or a phone differs in everything else (polarity, alpha, lighting, noise,
size, stroke width), so the steps here undo those differences and then make
the digit the way MNIST made its own:

    decode (shrunk to the working size) -> to_grey (flatten -> grey_of; an opaque picture straight
           to grey) -> extract_ink
           -> (ml.segment: one digit or several) -> to_mnist
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import ExifTags, Image

from ml.errors import ImageTooLarge, NoDigitFound, UnreadableImage

ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF")  # JPEG also opens MPO (phone cameras)
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
# Ink must differ from the paper by at least MIN_CONTRAST grey levels and by
# NOISE_FACTOR times the paper's own noise, or the picture counts as blank.
MIN_CONTRAST = 40
NOISE_FACTOR = 4.0
# A paper level held by this share of the pixels is a drawing app's flat paper.
FLAT_PAPER = 0.5
# Components whose outline is shorter than this fraction of the longest one are
# dust or noise (the detached bar of a 5 or 7 measures about 0.2).
SPECK_FRACTION = 0.08
# The ink's largest component must span at least this fraction of the picture's
# longer side (and MIN_DIGIT_PIXELS) to be a digit rather than a stray mark.
MIN_DIGIT_FRACTION = 0.02
MIN_DIGIT_PIXELS = 6

MNIST_SIDE = 28
MNIST_BOX = 20
MNIST_CENTRE = 14.0  # where MNIST's centres of mass sit (row and column index)
# Stroke width is measured and corrected with the digit's longer side at
# NORM_SIDE px, so the work costs the same for a 30 px and a 3000 px digit.
NORM_SIDE = 4 * MNIST_BOX
# MNIST's median stroke width (ink above half intensity) in the 20 px box is 1.85
# px, 10th-90th percentile 1.4-2.6, measured with stroke_width() on the test set.
TARGET_WIDTH = 1.9 * NORM_SIDE / MNIST_BOX
WIDTH_TOLERANCE = 1.4


@dataclass(frozen=True)
class Ink:
    """A picture's ink, white on black, at working resolution (longer side <= WORK_SIDE)."""

    image: np.ndarray  # uint8, ink bright, paper 0 (lighting and polarity removed)
    mask: np.ndarray  # uint8 0/1, the ink pixels kept (specks dropped)
    outlines: tuple[np.ndarray, ...]  # outer contour of each component kept (OpenCV points)
    scale: float  # original pixels per working pixel, a whole number >= 1
    original_size: tuple[int, int]  # (width, height) of the decoded picture

    def to_original(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        """A working-resolution (x, y, w, h) as the smallest box covering it in the original."""
        x, y, w, h = box
        width, height = self.original_size
        left, top = math.floor(x * self.scale), math.floor(y * self.scale)
        right = min(width, math.ceil((x + w) * self.scale))
        bottom = min(height, math.ceil((y + h) * self.scale))
        return left, top, right - left, bottom - top


# Decoding -------------------------------------------------------------------


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


# Ink ------------------------------------------------------------------------


def extract_ink(grey: np.ndarray, *, scale: int = 1, size: tuple[int, int] | None = None) -> Ink:
    """Separate the ink from the paper: polarity, lighting, threshold, specks.

    ``scale`` and ``size`` are a decoded Picture's, when ``grey`` is a picture
    that decode() shrank: the ink's boxes are then in the upload's own pixels.

    Raises NoDigitFound when nothing on the picture stands out from its paper
    (blank canvas, uniform colour, blank paper with camera or JPEG noise).
    """
    height, width = grey.shape
    factor = math.ceil(max(height, width) / WORK_SIDE)
    if factor > 1:
        grey = cv2.resize(grey, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA)
    ink, histogram = _remove_paper(*_ink_bright(grey, _histogram(grey)))
    mask, outlines = _drop_specks(_threshold(ink, histogram))
    return Ink(
        image=ink, mask=mask, outlines=outlines, scale=float(factor * scale), original_size=size or (width, height)
    )


def _histogram(grey: np.ndarray) -> np.ndarray:
    return cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()


def _percentiles(histogram: np.ndarray, quantiles: tuple[float, ...]) -> np.ndarray:
    """Grey levels at the given quantiles (np.percentile would sort the pixels: 10x slower)."""
    cumulative = np.cumsum(histogram)
    return np.searchsorted(cumulative, np.asarray(quantiles) * cumulative[-1])


def _ink_bright(grey: np.ndarray, histogram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The picture (and its histogram) with the ink bright, inverting dark ink on light paper.

    The paper is the majority (the median); the ink is the tail that reaches
    further from it, which also holds for grey paper and for ink lighter than
    a dark background.
    """
    low, median, high = _percentiles(histogram, (0.001, 0.5, 0.999))
    if median - low > high - median:
        return cv2.bitwise_not(grey), histogram[::-1]
    return grey, histogram


def _remove_paper(bright: np.ndarray, histogram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ink alone on black (and its histogram): the paper's grey level subtracted.

    A drawing app's paper is one exact grey covering most of the picture: it is
    subtracted as is. A photo's paper varies with the light and is estimated.
    """
    paper = int(np.argmax(histogram))
    if histogram[paper] < FLAT_PAPER * histogram.sum():
        ink = _less(bright, _paper_level(bright))
        return ink, _histogram(ink)
    shifted = np.zeros_like(histogram)
    shifted[0] = histogram[: paper + 1].sum()
    shifted[1 : 256 - paper] = histogram[paper + 1 :]
    return _less(bright, paper), shifted


def _less(bright: np.ndarray, paper: np.ndarray | int) -> np.ndarray:
    """bright - paper, stopping at 0. Not cv2.subtract: it takes an array 1 px wide and at most
    4 px tall for a scalar, and fails on such a picture."""
    return bright - np.minimum(bright, paper).astype(np.uint8)


def _paper_level(ink_bright: np.ndarray) -> np.ndarray:
    """The paper's local grey level, to subtract uneven light and shadows.

    A morphological opening with a window wider than any stroke removes the ink
    and keeps the slowly varying paper. It runs at a quarter of the resolution:
    the paper is smooth, and a window of a third of the picture is expensive.
    """
    height, width = ink_bright.shape
    small = cv2.resize(ink_bright, (max(1, width // 4), max(1, height // 4)), interpolation=cv2.INTER_AREA)
    side = max(3, min(small.shape) // 3) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    paper = cv2.blur(cv2.morphologyEx(small, cv2.MORPH_OPEN, kernel), (side, side))
    return cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR)


def _threshold(ink: np.ndarray, histogram: np.ndarray) -> np.ndarray:
    """Otsu's threshold, but never inside the paper's noise.

    The noise is measured below the median only: a thick marker can cover a
    third of a canvas, which would put ink into an interquartile range.
    """
    lower_quartile, median = _percentiles(histogram, (0.25, 0.5))
    floor = median + max(MIN_CONTRAST, NOISE_FACTOR * 2 * (median - lower_quartile))
    if floor >= 255:
        raise NoDigitFound()
    _, mask = cv2.threshold(ink, max(_otsu(histogram), floor), 1, cv2.THRESH_BINARY)
    return mask


def _otsu(histogram: np.ndarray) -> int:
    """Otsu's threshold from a histogram: the level that best separates two classes."""
    p = histogram / histogram.sum()
    below = np.cumsum(p)  # share of pixels at or below each level
    mean_below = np.cumsum(p * np.arange(256))
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean_below[-1] * below - mean_below) ** 2 / (below * (1 - below))
    return int(np.nanargmax(between)) if np.isfinite(between).any() else 0


def _drop_specks(mask: np.ndarray) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """The mask without dust and noise, and the outlines of what is left.

    Raises NoDigitFound if nothing digit-sized is left.

    Components are measured by their outlines (findContours is ten times
    faster than connectedComponentsWithStats here): a stroke's outline is about
    twice its length whatever the pen, so a bar of a 5 or 7 stays and dust goes.
    """
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    links = hierarchy[0] if hierarchy is not None else []
    outer = [c for c, link in zip(contours, links, strict=True) if link[3] < 0]  # link[3]: the parent
    if not outer:
        raise NoDigitFound()
    lengths = np.array([len(c) for c in outer])  # boundary pixels
    _, _, width, height = cv2.boundingRect(outer[int(np.argmax(lengths))])
    if max(width, height) < max(MIN_DIGIT_PIXELS, MIN_DIGIT_FRACTION * max(mask.shape)):
        raise NoDigitFound()
    keep = lengths >= SPECK_FRACTION * lengths.max()
    cv2.drawContours(mask, [c for c, kept in zip(outer, keep, strict=True) if not kept], -1, 0, thickness=cv2.FILLED)
    return mask, tuple(c for c, kept in zip(outer, keep, strict=True) if kept)


# MNIST form -----------------------------------------------------------------


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(x, y, w, h) of the nonzero pixels; the mask must not be empty."""
    x, y, w, h = cv2.boundingRect(mask)
    return x, y, w, h


def to_mnist(mask: np.ndarray) -> np.ndarray:
    """One digit's ink mask (any size, nonzero = ink) as a (28, 28) float32 MNIST image.

    The mask is binary on purpose: MNIST came from bilevel scans, and its grey
    edges are the anti-aliasing of the downscale, which INTER_AREA recreates.
    """
    digit = _crop(_normalise_width(_resample(_crop((mask > 0).astype(np.uint8) * 255))))
    height, width = digit.shape
    factor = MNIST_BOX / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    box = cv2.resize(digit, size, interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    return _centre_by_mass(box)


def _crop(mask: np.ndarray) -> np.ndarray:
    x, y, w, h = bounding_box(mask)
    return mask[y : y + h, x : x + w]


def _resample(mask: np.ndarray) -> np.ndarray:
    """The 0/255 mask with its longer side NORM_SIDE px, padded for dilation.

    Keeping pixels a quarter covered (not half) keeps a 3 px stroke of a
    1000 px digit from breaking up; the width correction evens it out after.
    """
    height, width = mask.shape
    factor = NORM_SIDE / max(height, width)
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    resized = cv2.resize(mask, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR)
    _, binary = cv2.threshold(resized, 63, 255, cv2.THRESH_BINARY)
    pad = round(TARGET_WIDTH)
    return cv2.copyMakeBorder(binary, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)


def stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width in px: 2 * area / perimeter, the perimeter counted as edge pixels.

    A stroke of width w and length l has area w*l and two edges of length l.
    """
    area = int(np.count_nonzero(mask))
    edge = area - int(np.count_nonzero(cv2.erode(mask, np.ones((3, 3), np.uint8))))
    return 2.0 * area / max(edge, 1)


def _normalise_width(mask: np.ndarray) -> np.ndarray:
    """Dilate thin strokes, erode thick ones, when far from MNIST's width.

    A 3 px brush on a 280 px digit would fade to nothing at 20 px, and a 40 px
    marker would leave an 8 a blob with pinholes; MNIST's own widths vary, so
    widths within WIDTH_TOLERANCE of the target are left alone.
    """
    width = stroke_width(mask)
    if TARGET_WIDTH / WIDTH_TOLERANCE <= width <= TARGET_WIDTH * WIDTH_TOLERANCE:
        return mask
    side = round(abs(TARGET_WIDTH - width)) + 1  # a disc of diameter d changes the width by d - 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side))
    adjusted = cv2.dilate(mask, kernel) if width < TARGET_WIDTH else cv2.erode(mask, kernel)
    return adjusted if adjusted.any() else mask


def _centre_by_mass(box: np.ndarray) -> np.ndarray:
    """Place the 20 px box in the 28x28 field with its centre of mass at MNIST's."""
    moments = cv2.moments(box)
    height, width = box.shape
    row = moments["m01"] / moments["m00"] if moments["m00"] else height / 2
    col = moments["m10"] / moments["m00"] if moments["m00"] else width / 2
    top = int(np.clip(round(MNIST_CENTRE - row), 0, MNIST_SIDE - height))
    left = int(np.clip(round(MNIST_CENTRE - col), 0, MNIST_SIDE - width))
    field = np.zeros((MNIST_SIDE, MNIST_SIDE), np.float32)
    field[top : top + height, left : left + width] = box
    return field
