"""Training end to end on a small real sample: files, card, and an ONNX twin."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ml.data import Extra, Mnist
from ml.model import load_model
from ml.train import train

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mnist_test_sample.npz"


def test_training_writes_a_model_its_onnx_twin_and_a_true_card(tmp_path):
    import keras

    with np.load(FIXTURE) as sample:
        x, y = sample["x"], sample["y"]
    data = Mnist(x_train=x[:800], y_train=y[:800], x_test=x[800:], y_test=y[800:], sha256="f" * 64)
    lines: list[str] = []
    card = train(data, out_dir=tmp_path, epochs=1, batch_size=64, validation_size=100,
                 command="python -m ml.train --epochs 1", log=lines.append)

    assert any(line.startswith("epoch 1/1") for line in lines)
    on_disk = json.loads((tmp_path / "model_card.json").read_text())
    assert on_disk == card
    assert card["hyperparameters"]["training_size"] == 700
    assert card["hyperparameters"]["validation_size"] == 100
    assert card["data_sha256"] == "f" * 64
    assert card["training_command"] == "python -m ml.train --epochs 1"
    for name_key, digest_key in (("file", "sha256"), ("onnx_file", "onnx_sha256")):
        assert hashlib.sha256((tmp_path / card[name_key]).read_bytes()).hexdigest() == card[digest_key]

    # The served ONNX graph computes what the trained Keras model computes.
    images = x[800:832].astype(np.float32) / 255.0
    keras_out = keras.saving.load_model(tmp_path / card["file"])(images[..., None], training=False).numpy()
    onnx_out = load_model(tmp_path).predict(images)
    np.testing.assert_allclose(onnx_out, keras_out, atol=1e-4)


def test_extra_images_join_the_training_split_only(tmp_path):
    with np.load(FIXTURE) as sample:
        x, y = sample["x"], sample["y"]
    data = Mnist(x_train=x[:300], y_train=y[:300], x_test=x[300:400], y_test=y[300:400], sha256="f" * 64)
    extra = Extra(x=x[900:950], y=y[900:950], sha256="e" * 64)
    card = train(data, out_dir=tmp_path, epochs=1, batch_size=64, validation_size=100, extra=extra,
                 log=lambda line: None)
    assert card["hyperparameters"]["training_size"] == 200 + 50
    assert card["hyperparameters"]["validation_size"] == 100
    assert card["extra_data"] == {"images": 50, "sha256": "e" * 64}
