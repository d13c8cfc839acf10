"""The committed model: its card tells the truth and it reads MNIST well."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from ml import model as model_module
from ml.evaluate import evaluate_model
from ml.model import ARTIFACTS_DIR, CARD_KEYS, ModelUnavailable, get_model, load_model, read_card

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "mnist_test_sample.npz"


def test_model_card_describes_the_committed_files():
    card = read_card()
    for name_key, digest_key in (("file", "sha256"), ("onnx_file", "onnx_sha256")):
        path = ARTIFACTS_DIR / card[name_key]
        assert path.exists(), path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == card[digest_key]
    assert (ARTIFACTS_DIR / card["file"]).stat().st_size <= 5 * 1024 * 1024
    assert card["classes"] == list(range(10)) and card["not_a_digit_class"]
    assert 0 < card["thresholds"]["uncertain_below"] < 1 and 0.5 <= card["thresholds"]["refuse_at"] < 1
    assert card["calibration"]["temperature"] > 0
    assert card["test_accuracy"] >= 0.99
    assert set(card["test_per_class_accuracy"]) == {str(d) for d in range(10)}
    assert "--data" in card["training_command"]
    for key in ("version", "created", "data_sha256", "parameters"):
        assert card[key]
    # A model trained alone has a validation split; an ensemble's members each had their own.
    members = card.get("members", [card])
    assert all(member["validation_accuracy"] for member in members)


def test_accuracy_on_a_committed_sample_of_mnist_test_digits():
    with np.load(FIXTURE) as sample:
        images, labels = sample["x"], sample["y"]
    assert len(images) >= 1000
    result = evaluate_model(get_model().predict, images, labels)
    assert result.accuracy >= 0.99, result.format()


def test_probabilities_are_a_distribution_for_every_image_of_a_batch():
    with np.load(FIXTURE) as sample:
        batch = sample["x"][:8].astype(np.float32) / 255.0
    probabilities = get_model().predict(batch)
    assert probabilities.shape == (8, 11)  # the ten digits, then "not a digit"
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    # A batch gives the same answers as one image at a time.
    singles = np.vstack([get_model().predict(image[None]) for image in batch])
    np.testing.assert_allclose(probabilities, singles, atol=1e-5)


def test_a_batch_larger_than_one_run_is_answered_whole_and_in_order():
    with np.load(FIXTURE) as sample:
        count = 2 * model_module.MAX_BATCH + 5  # two full runs of the network and a short one
        batch = sample["x"][:count].astype(np.float32) / 255.0
    probabilities = get_model().predict(batch)
    assert probabilities.shape == (count, 11)
    singles = np.vstack([get_model().predict(image[None]) for image in batch])
    np.testing.assert_allclose(probabilities, singles, atol=1e-5)


def test_the_process_loads_one_model_however_many_threads_ask(monkeypatch):
    monkeypatch.setattr(model_module, "_model", None)
    loads = []
    real_load = model_module.load_model

    def counted_load():
        loads.append(1)
        return real_load()

    monkeypatch.setattr(model_module, "load_model", counted_load)
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(get_model())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1
    assert all(m is seen[0] for m in seen)


def test_missing_model_files_give_a_clear_error(tmp_path):
    with pytest.raises(ModelUnavailable, match=r"model_card\.json") as missing:
        load_model(tmp_path)
    assert missing.value.reason == "model card missing or unreadable"
    card = read_card()
    (tmp_path / "model_card.json").write_text(json.dumps({**card, "onnx_file": "gone.onnx"}))
    with pytest.raises(ModelUnavailable, match=r"gone\.onnx") as gone:
        load_model(tmp_path)
    assert gone.value.reason == "model file missing or unreadable"


@pytest.mark.parametrize("card", [{}, [], "digits", None])
def test_a_card_that_is_no_card_is_refused_clearly(tmp_path, card):
    (tmp_path / "model_card.json").write_text(json.dumps(card))
    with pytest.raises(
        ModelUnavailable, match="lacks version, created, test_accuracy, classes, onnx_file, onnx_sha256"
    ) as refused:
        load_model(tmp_path)
    assert refused.value.reason == "model card incomplete"


@pytest.mark.parametrize("key", CARD_KEYS)
def test_a_card_without_a_key_serving_needs_is_refused(tmp_path, key):
    card = read_card()
    (tmp_path / "model_card.json").write_text(json.dumps({k: v for k, v in card.items() if k != key}))
    with pytest.raises(ModelUnavailable, match=f"lacks {key}$") as refused:
        read_card(tmp_path)
    assert refused.value.reason == "model card incomplete"


def test_a_model_file_that_is_not_the_cards_is_refused(tmp_path):
    """A swapped file would be served under the card's version and accuracy: its sha256 is checked."""
    card = read_card()
    (tmp_path / "model_card.json").write_text(json.dumps(card))
    onnx = tmp_path / card["onnx_file"]
    onnx.write_bytes((ARTIFACTS_DIR / card["onnx_file"]).read_bytes() + b"\0")  # one byte more: another file
    with pytest.raises(ModelUnavailable, match=f"{card['onnx_sha256']}") as refused:
        load_model(tmp_path)
    assert refused.value.reason == "model file does not match its card"
    assert str(tmp_path) not in refused.value.reason  # short enough to show publicly
    shutil.copy(ARTIFACTS_DIR / card["onnx_file"], onnx)  # the right file loads
    assert load_model(tmp_path).version == card["version"]
