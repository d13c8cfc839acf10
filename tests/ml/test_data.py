"""MNIST loading from the formats the training command accepts."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from ml.data import IDX_IMAGES, IDX_LABELS, DataError, load_extra, load_mnist, parse_idx


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    return struct.pack(">I", magic) + struct.pack(">" + "I" * array.ndim, *array.shape) + array.tobytes()


def write_idx_folder(folder, images, labels, *, compress: bool) -> None:
    names = {
        "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
    }
    for image_name, label_name in names.values():
        for name, array, magic in ((image_name, images, IDX_IMAGES), (label_name, labels, IDX_LABELS)):
            raw = idx_bytes(array, magic)
            path = folder / (name + (".gz" if compress else ""))
            path.write_bytes(gzip.compress(raw) if compress else raw)


@pytest.fixture
def arrays():
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (7, 28, 28), dtype=np.uint8), rng.integers(0, 10, 7, dtype=np.uint8)


@pytest.mark.parametrize("compress", [True, False])
def test_idx_folder_gzip_or_raw(tmp_path, arrays, compress):
    images, labels = arrays
    write_idx_folder(tmp_path, images, labels, compress=compress)
    data = load_mnist(tmp_path)
    np.testing.assert_array_equal(data.x_train, images)
    np.testing.assert_array_equal(data.y_test, labels)
    assert len(data.sha256) == 64


def test_the_same_data_has_the_same_digest_whatever_the_compression(tmp_path, arrays):
    (tmp_path / "gz").mkdir()
    (tmp_path / "raw").mkdir()
    write_idx_folder(tmp_path / "gz", *arrays, compress=True)
    write_idx_folder(tmp_path / "raw", *arrays, compress=False)
    assert load_mnist(tmp_path / "gz").sha256 == load_mnist(tmp_path / "raw").sha256


def test_npz(tmp_path, arrays):
    images, labels = arrays
    path = tmp_path / "mnist.npz"
    np.savez_compressed(path, x_train=images, y_train=labels, x_test=images[:3], y_test=labels[:3])
    data = load_mnist(path)
    assert data.x_test.shape == (3, 28, 28)
    np.testing.assert_array_equal(data.y_train, labels)


def test_bad_inputs_say_what_is_wrong(tmp_path, arrays):
    images, labels = arrays
    with pytest.raises(DataError, match="magic"):
        parse_idx(idx_bytes(labels, IDX_LABELS), IDX_IMAGES)
    with pytest.raises(DataError, match="payload"):
        parse_idx(idx_bytes(images, IDX_IMAGES)[:-5], IDX_IMAGES)
    with pytest.raises(DataError, match="not found"):
        load_mnist(tmp_path)
    with pytest.raises(DataError, match="neither"):
        load_mnist(tmp_path / "nothing.bin")
    np.savez(tmp_path / "partial.npz", x_train=images)
    with pytest.raises(DataError, match="lacks"):
        load_mnist(tmp_path / "partial.npz")


def test_extra_training_images(tmp_path):
    x = np.zeros((3, 28, 28), np.uint8)
    np.savez_compressed(tmp_path / "ok.npz", x=x, y=np.array([1, 2, 3], np.uint8))
    extra = load_extra(tmp_path / "ok.npz")
    assert extra.y.tolist() == [1, 2, 3] and len(extra.sha256) == 64
    np.savez_compressed(tmp_path / "bad.npz", x=x, y=np.array([1, 2, 12], np.uint8))
    with pytest.raises(DataError, match="digits 0-9"):
        load_extra(tmp_path / "bad.npz")
    with pytest.raises(DataError, match="arrays x and y"):
        load_extra(tmp_path / "missing.npz")
