"""MNIST loading from local files.

The machines this project runs on cannot always reach the internet, so the
primary source is a local folder of the four original IDX files (gzip or raw)
or an ``.npz``; Keras' own downloader is only the fallback when no path is given.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.model import NOT_A_DIGIT

IDX_IMAGES = 0x00000803
IDX_LABELS = 0x00000801

_SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


class DataError(ValueError):
    """The data set given is missing or malformed."""


@dataclass(frozen=True)
class Mnist:
    x_train: np.ndarray  # (n, 28, 28) uint8, white ink on black
    y_train: np.ndarray  # (n,) uint8
    x_test: np.ndarray
    y_test: np.ndarray
    sha256: str  # of the raw bytes the arrays came from, for the model card


def _open_bytes(path: Path) -> bytes:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    return raw


def parse_idx(raw: bytes, expected_magic: int) -> np.ndarray:
    """Parse one IDX file (big-endian header, then unsigned bytes)."""
    if len(raw) < 8:
        raise DataError("IDX file is truncated")
    magic = struct.unpack(">I", raw[:4])[0]
    if magic != expected_magic:
        raise DataError(f"IDX magic {magic:#010x}, expected {expected_magic:#010x}")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    dims = struct.unpack(">" + "I" * ndim, raw[4:header])
    count = int(np.prod(dims))
    if len(raw) - header != count:
        raise DataError(f"IDX payload is {len(raw) - header} bytes, header says {count}")
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def _find(folder: Path, stem: str) -> Path:
    for name in (stem + ".gz", stem, stem.replace("-idx", ".idx") + ".gz", stem.replace("-idx", ".idx")):
        if (folder / name).exists():
            return folder / name
    raise DataError(f"{stem}[.gz] not found in {folder}")


def _load_idx_folder(folder: Path) -> Mnist:
    digest = hashlib.sha256()
    arrays: dict[str, np.ndarray] = {}
    for split, (images, labels) in _SPLIT_FILES.items():
        image_bytes = _open_bytes(_find(folder, images))
        label_bytes = _open_bytes(_find(folder, labels))
        digest.update(image_bytes)
        digest.update(label_bytes)
        arrays[f"x_{split}"] = parse_idx(image_bytes, IDX_IMAGES)
        arrays[f"y_{split}"] = parse_idx(label_bytes, IDX_LABELS)
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise DataError(f"{split}: image and label counts differ")
    return Mnist(**arrays, sha256=digest.hexdigest())


def _load_npz(path: Path) -> Mnist:
    raw = path.read_bytes()
    with np.load(io.BytesIO(raw)) as npz:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(npz.files)
        if missing:
            raise DataError(f"{path} lacks {sorted(missing)}")
        arrays = {key: np.asarray(npz[key], dtype=np.uint8) for key in ("x_train", "y_train", "x_test", "y_test")}
    return Mnist(**arrays, sha256=hashlib.sha256(raw).hexdigest())


@dataclass(frozen=True)
class Extra:
    """Training images beyond MNIST, e.g. corrections people made on the site."""

    x: np.ndarray  # (n, 28, 28) uint8, MNIST form
    y: np.ndarray  # (n,) uint8
    sha256: str


def load_extra(path: str | Path) -> Extra:
    """An ``.npz`` with ``x`` (n, 28, 28) uint8 and ``y`` (n,) labels, as export_corrections writes.

    A label is a digit 0-9, or NOT_A_DIGIT for a picture its owner said is no
    digit: the model's eleventh class, which the extra images teach as well.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        with np.load(io.BytesIO(raw)) as npz:
            x, y = np.asarray(npz["x"], np.uint8), np.asarray(npz["y"], np.uint8)
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"{path} is not an .npz with arrays x and y: {exc}") from exc
    if x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y) or (y > NOT_A_DIGIT).any():
        raise DataError(f"{path}: x must be (n, 28, 28) and y n digits 0-9, or {NOT_A_DIGIT} for not a digit")
    return Extra(x=x, y=y, sha256=hashlib.sha256(raw).hexdigest())


def _load_keras() -> Mnist:  # pragma: no cover - needs the internet
    import keras

    path = Path(
        keras.utils.get_file("mnist.npz", "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz")
    )
    return _load_npz(path)


def load_mnist(source: str | Path | None = None) -> Mnist:
    """Load MNIST from an IDX folder, an ``.npz`` file, or (``None``) Keras' downloader."""
    if source is None:
        return _load_keras()
    path = Path(source)
    if path.is_dir():
        return _load_idx_folder(path)
    if path.suffix == ".npz" and path.exists():
        return _load_npz(path)
    raise DataError(f"{path} is neither a folder of MNIST IDX files nor an .npz file")
