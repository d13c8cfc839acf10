"""Training end to end on a small real sample: files, card, and an ONNX twin."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from ml.data import Extra, Mnist
from ml.handwriting import Handwriting, Images
from ml.model import NOT_A_DIGIT, load_model
from ml.train import train

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mnist_test_sample.npz"


def one_epoch(data: Mnist, out_dir: Path, **options) -> dict:
    """A run of one short epoch (validating on 100 images), quiet unless ``log`` is given."""
    return train(
        data, out_dir=out_dir, epochs=1, batch_size=64, validation_size=100, **{"log": lambda line: None, **options}
    )


def test_training_writes_a_model_its_onnx_twin_and_a_true_card(tmp_path):
    import keras

    with np.load(FIXTURE) as sample:
        x, y = sample["x"], sample["y"]
    data = Mnist(x_train=x[:800], y_train=y[:800], x_test=x[800:], y_test=y[800:], sha256="f" * 64)
    lines: list[str] = []
    card = one_epoch(data, tmp_path, command="python -m ml.train --epochs 1", log=lines.append)

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
    onnx_out = load_model(tmp_path).predict_raw(images)
    np.testing.assert_allclose(onnx_out, keras_out, atol=1e-4)


def test_extra_images_join_the_training_split_only(tmp_path):
    with np.load(FIXTURE) as sample:
        x, y = sample["x"], sample["y"]
    data = Mnist(x_train=x[:300], y_train=y[:300], x_test=x[300:400], y_test=y[300:400], sha256="f" * 64)
    extra = Extra(x=x[900:950], y=y[900:950], sha256="e" * 64)
    card = one_epoch(data, tmp_path, extra=extra)
    assert card["hyperparameters"]["training_size"] == 200 + 50
    assert card["hyperparameters"]["validation_size"] == 100
    assert card["extra_data"] == {"images": 50, "sha256": "e" * 64}


def test_other_writers_train_and_calibrate_the_not_a_digit_class(tmp_path):
    with np.load(FIXTURE) as sample:
        x, y = sample["x"], sample["y"]
    data = Mnist(x_train=x[:300], y_train=y[:300], x_test=x[300:400], y_test=y[300:400], sha256="f" * 64)
    rng = np.random.default_rng(0)
    noise = (rng.uniform(size=(120, 28, 28)) > 0.7).astype(np.uint8) * 255  # a stand-in for scribbles

    def images(digits: slice, non_digits: slice) -> Images:
        xs = np.concatenate([x[digits], noise[non_digits]])
        ys = np.concatenate([y[digits], np.full(len(noise[non_digits]), NOT_A_DIGIT, np.uint8)])
        return Images(xs, ys, np.array(["set"] * len(ys)))

    handwriting = Handwriting(
        train=images(slice(400, 500), slice(0, 60)),
        calibration=images(slice(500, 600), slice(60, 120)),
        settings={"renders": 1},
    )
    card = one_epoch(data, tmp_path, handwriting=handwriting)
    assert card["hyperparameters"]["training_size"] == 200 + 160
    assert card["handwriting"] == {"renders": 1, "training_images": 160, "calibration_images": 160}
    assert card["calibration"]["temperature"] > 0 and card["calibration"]["digits"] == 100
    assert 0.5 <= card["thresholds"]["refuse_at"] <= 0.99
    assert 0 < card["thresholds"]["uncertain_below"] < 1
    model = load_model(tmp_path)
    assert model.temperature == card["calibration"]["temperature"]
    probabilities = model.predict(x[:4].astype(np.float32) / 255.0)
    assert probabilities.shape == (4, 11)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-9)


def moved(images: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """(n, 28, 28) images moved down by ``rows`` and right by ``columns``, zeros filling in."""
    out = np.zeros_like(images)
    height, width = images.shape[1:]
    out[:, max(rows, 0) : height + min(rows, 0), max(columns, 0) : width + min(columns, 0)] = images[
        :, max(-rows, 0) : height + min(-rows, 0), max(-columns, 0) : width + min(-columns, 0)
    ]
    return out


def test_two_trained_models_join_into_one_that_averages_them_over_moved_views(tmp_path):
    import keras

    from ml.ensemble import SHIFTS, ensemble

    with np.load(FIXTURE) as sample:
        x, y = sample["x"], sample["y"]
    data = Mnist(x_train=x[:400], y_train=y[:400], x_test=x[400:600], y_test=y[400:600], sha256="f" * 64)
    folders = [tmp_path / "first", tmp_path / "second"]
    for seed, folder in enumerate(folders, start=1):
        one_epoch(data, folder, seed=seed)
    calibration = Images(x[600:800], y[600:800], np.array(["mnist"] * 200))
    card = ensemble(
        folders, data=data, calibration=calibration, out_dir=tmp_path / "pair", command="joined", log=lambda line: None
    )

    assert [m["hyperparameters"]["seed"] for m in card["members"]] == [1, 2]
    assert "seed" not in card["hyperparameters"] and card["hyperparameters"]["epochs"] == 1
    assert card["data_sha256"] == "f" * 64 and "uncertain_below" in card["thresholds"]
    # One served graph whose answer is the mean of the members' answers over the moved views.
    images = x[800:832].astype(np.float32) / 255.0
    members = [keras.saving.load_model(f / json.loads((f / "model_card.json").read_text())["file"]) for f in folders]
    views = [moved(images, rows, columns) for rows, columns in SHIFTS]
    mean = np.mean([m(v[..., None], training=False).numpy() for m in members for v in views], axis=0)
    assert card["test_time_shifts"] == [list(shift) for shift in SHIFTS]
    served = load_model(tmp_path / "pair")
    np.testing.assert_allclose(served.predict_raw(images), mean, atol=1e-4)
    assert served.version == card["version"]
