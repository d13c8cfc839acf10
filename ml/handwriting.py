"""Handwriting beyond MNIST, in the model's own form: other writers' digits, and real non-digits.

MNIST is one population of writers scanned one way; the site sees canvas
drawings and phone photos by everyone else, and letters, shapes and scribbles
too. This module turns the sets in ``shared/datasets`` into 28x28 training and
measuring images the way the site itself would see them (``ml.render``):

- pen trajectories (UJI, the iPad writer) are drawn as the page's canvas draws
  them, in both polarities, then put through the pipeline's own ink extraction
  and MNIST form;
- scans (USPS, Semeion) are enlarged and put through the same steps;
- non-digits come from the iPad writer's real symbols and from
  ``ml.non_digits`` (stroke fonts, shapes, scribbles, noise), all given class
  ``NOT_A_DIGIT``.

Writers, not samples, are split: each set's writers go to ``train``,
``calibration`` (fitting the temperature and choosing thresholds) or ``test``
(the figures ``make bench`` reports) by a fixed rule, so no writer is measured on
whom the model was trained. Held-out fonts and shape seeds play the same part
for the synthetic non-digits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.model import NOT_A_DIGIT
from ml.non_digits import synthetic_non_digits
from ml.render import Strokes, draw_strokes, model_form, scan_picture

SPLITS = ("train", "calibration", "test")
DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"


@dataclass(frozen=True)
class Item:
    """One sample before rendering: pen strokes or a scan, with its class."""

    label: int  # 0-9, or NOT_A_DIGIT
    source: str  # the set it comes from, as the bench names it
    strokes: Strokes | None = None
    scan: np.ndarray | None = None  # (h, w) float 0..1, ink = 1


# --- Which writers go where ----------------------------------------------------------------


def writer_split(writer: int) -> str:
    """A fixed split of writer numbers: 3/5 train, 1/5 calibration, 1/5 test."""
    return {0: "test", 1: "calibration"}.get(writer % 5, "train")


def _index_split(key: str) -> str:
    """A fixed split by hash, for sets whose writers are unknown (USPS's training file)."""
    return writer_split(int(hashlib.sha256(key.encode()).hexdigest()[:8], 16))


# --- The sets ------------------------------------------------------------------------------


def _trajectories(sample: list) -> Strokes:
    return [np.asarray(stroke, np.float32).reshape(-1, 2) for stroke in sample if len(stroke)]


def uji(root: Path, split: str) -> list[Item]:
    """UJI Pen Characters: 60 writers, two samples of each digit; writer = index // 2."""
    raw = json.loads((root / "uji_pen" / "ujipenchars2.json").read_text())["rawData"]
    return [
        Item(label=int(label), source="uji", strokes=_trajectories(sample))
        for label, samples in raw.items()
        for i, sample in enumerate(samples)
        if writer_split(i // 2) == split
    ]


def ipad(root: Path, split: str) -> list[Item]:
    """One writer's finger drawings: digits (measured only: one writer cannot be split) and symbols.

    The symbols are the only real handwriting here that is not a digit, so
    they are shared out by sample between the three splits.
    """
    raw = json.loads((root / "ipad_one_writer" / "bridger_all.json").read_text())["rawData"]
    items = []
    for label, samples in raw.items():
        digit = label.isdigit()
        for i, sample in enumerate(samples):
            if (split == "test") if digit else (writer_split(i) == split):
                items.append(
                    Item(
                        label=int(label) if digit else NOT_A_DIGIT,
                        source="ipad digits" if digit else "ipad symbols",
                        strokes=_trajectories(sample),
                    )
                )
    return items


def usps(root: Path, split: str) -> list[Item]:
    """USPS: its own test file is the test split; its training file is shared out by hash."""
    items = []
    for name in ("train", "test"):
        with np.load(root / "usps" / f"zip.{name}.npz") as npz:
            x, y = npz["X"], npz["y"]
        for i, (image, label) in enumerate(zip(x, y, strict=True)):
            where = (
                "test" if name == "test" else "calibration" if _index_split(f"usps{i}") == "calibration" else "train"
            )
            if where == split:
                items.append(Item(label=int(label), source="usps", scan=(image + 1) / 2))
    return items


def semeion(root: Path, split: str) -> list[Item]:
    """Semeion: about 80 writers, no writer ids; the file runs in blocks of ten digits 0-9.

    Each block (where the labels start again at 0) holds a group of writers,
    so blocks are split, not samples: of its six blocks, 0-3 train, 4 calibration, 5 test.
    """
    items, block, previous = [], 0, 0
    for line in (root / "semeion" / "semeion.data").read_text().splitlines():
        values = line.split()
        if len(values) < 266:
            continue
        label = int(np.argmax([float(v) for v in values[256:266]]))
        if label < previous:
            block += 1
        previous = label
        where = "train" if block <= 3 else "calibration" if block == 4 else "test"
        if where == split:
            scan = np.array([float(v) for v in values[:256]], np.float32).reshape(16, 16)
            items.append(Item(label=label, source="semeion", scan=scan))
    return items


def picture(item: Item, rng: np.random.Generator) -> np.ndarray:
    if item.strokes is not None:
        return draw_strokes(item.strokes, rng)
    assert item.scan is not None
    return scan_picture(item.scan, rng)


LOADERS: dict[str, Callable[[Path, str], list[Item]]] = {"uji": uji, "ipad": ipad, "usps": usps, "semeion": semeion}


@dataclass(frozen=True)
class Images:
    x: np.ndarray  # (n, 28, 28) uint8, the model's form
    y: np.ndarray  # (n,) uint8, 0-9 or NOT_A_DIGIT
    source: np.ndarray  # (n,) str: which set each image comes from

    def where(self, source: str) -> Images:
        keep = self.source == source
        return Images(self.x[keep], self.y[keep], self.source[keep])


@dataclass(frozen=True)
class Handwriting:
    """The sets beyond MNIST: one split to train on, another to calibrate on."""

    train: Images
    calibration: Images
    settings: dict  # how they were rendered, for the card


def build(
    root: Path, split: str, *, renders: int = 1, scan_renders: int = 1, non_digits: int = 0, seed: int = 0
) -> Images:
    """Every sample of a split in the model's form: each trajectory drawn ``renders`` times."""
    rng = np.random.default_rng([seed, SPLITS.index(split)])
    x, y, source = [], [], []

    def add(image: np.ndarray | None, label: int, name: str) -> None:
        if image is not None:
            x.append(image)
            y.append(label)
            source.append(name)

    for loader in LOADERS.values():
        for item in loader(root, split):
            for _ in range(renders if item.strokes is not None else scan_renders):
                add(model_form(picture(item, rng), rng), item.label, item.source)
    for image, name in synthetic_non_digits(split, non_digits):
        add(model_form(image, rng), NOT_A_DIGIT, name)
    return Images(np.stack(x), np.array(y, np.uint8), np.array(source))


# The modules whose code makes the images: a change to any of them is a new cache entry.
IMAGES_MADE_BY = ("handwriting.py", "render.py", "non_digits.py")


def load(root: Path, split: str, cache: Path | None = None, **kwargs) -> Images:
    """build(), kept in ``cache`` (an .npz per split and settings): rendering takes a minute or two."""
    if cache is None:
        return build(root, split, **kwargs)
    code = [Path(__file__).with_name(name).read_text() for name in IMAGES_MADE_BY]
    key = hashlib.sha256(json.dumps([split, kwargs, code], sort_keys=True).encode())
    path = cache / f"handwriting-{split}-{key.hexdigest()[:12]}.npz"
    if path.exists():
        with np.load(path) as npz:
            return Images(npz["x"], npz["y"], npz["source"])
    images = build(root, split, **kwargs)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x=images.x, y=images.y, source=images.source)
    return images
