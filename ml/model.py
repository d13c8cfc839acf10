"""The served model: loaded once per process, lazily, thread-safely, warmed up.

Serving runs the ONNX export of the trained Keras model in ONNX Runtime rather
than TensorFlow: one call on a batch costs a fraction of a millisecond (a
``tf.function`` call alone has ~0.5 ms of overhead here, ``model.predict``
~100 ms), the process stays small and the model loads in milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from onnxruntime import InferenceSession  # imported where a model is loaded: it takes a while

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
# The model's outputs: the ten digits, then "not a digit" (ink that is no digit), also the label
# of the non-digits it is trained on.
DIGITS = 10
NOT_A_DIGIT = DIGITS
CARD_NAME = "model_card.json"
# For a card that chose none from data (see ml.calibrate): the digit's probability
# below which a reading is flagged, and the "not a digit" probability at which a
# mark is refused.
UNCERTAIN_BELOW = 0.8
REFUSE_AT = 0.5
# Images per run of the network: ONNX Runtime's memory grows to the largest batch it has run
# and keeps it. Scoring a touching number's 400 parts at once took a process from 150 MB to
# 360; in runs of 32 it stays near 170 MB, and is no slower.
MAX_BATCH = 32


# What serving needs from a card: the file to load and its digest, and what the API publishes.
CARD_KEYS = ("version", "created", "test_accuracy", "classes", "onnx_file", "onnx_sha256")


class ModelUnavailable(RuntimeError):
    """The model files are missing, unreadable or not the ones their card describes.

    ``reason`` is short and names no path, fit for a public health check; the
    whole message (``str``) says which file and why, for the log.
    """

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass
class DigitModel:
    """A loaded model; ``predict`` is safe to call from several threads at once."""

    card: dict
    _session: InferenceSession = field(repr=False)
    _input: str = field(repr=False)

    @property
    def version(self) -> str:
        return self.card["version"]

    @property
    def temperature(self) -> float:
        return float(self.card.get("calibration", {}).get("temperature", 1.0))

    @property
    def uncertain_below(self) -> float:
        return float(self.card.get("thresholds", {}).get("uncertain_below", UNCERTAIN_BELOW))

    @property
    def refuse_at(self) -> float:
        return float(self.card.get("thresholds", {}).get("refuse_at", REFUSE_AT))

    def predict(self, images: np.ndarray) -> np.ndarray:
        """(n, 28, 28) floats in 0..1, white ink on black -> (n, 10 or 11) calibrated probabilities.

        An eleventh column, where the model has one, is "not a digit".
        """
        return calibrate(self.predict_raw(images), self.temperature)

    def predict_raw(self, images: np.ndarray) -> np.ndarray:
        """The network's own softmax, before calibration: what a temperature is fitted to."""
        batch = np.ascontiguousarray(images, dtype=np.float32).reshape(-1, 28, 28, 1)
        if len(batch) <= MAX_BATCH:
            return self._session.run(None, {self._input: batch})[0]
        chunks = [batch[i : i + MAX_BATCH] for i in range(0, len(batch), MAX_BATCH)]
        return np.concatenate([self._session.run(None, {self._input: chunk})[0] for chunk in chunks])


def calibrate(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature scaling of softmax outputs: softmax(log p / T), rows summing to 1.

    log p is the logits less a constant per row, so this is the usual
    softmax(logits / T) without exporting the logits.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if temperature == 1.0:
        return p / p.sum(axis=-1, keepdims=True)
    logits = np.log(np.maximum(p, 1e-30)) / temperature
    logits -= logits.max(axis=-1, keepdims=True)
    e = np.exp(logits)
    return e / e.sum(axis=-1, keepdims=True)


def read_card(artifacts_dir: Path | None = None) -> dict:
    """The model card of ``artifacts_dir`` (by default the served model's), with every key serving needs."""
    path = (artifacts_dir or ARTIFACTS_DIR) / CARD_NAME
    try:
        card = json.loads(path.read_text())
    except OSError as exc:
        raise ModelUnavailable("model card missing or unreadable", f"{path}: {exc}") from exc
    except ValueError as exc:
        raise ModelUnavailable("model card is not valid JSON", f"{path}: {exc}") from exc
    missing = [key for key in CARD_KEYS if not isinstance(card, dict) or key not in card]
    if missing:
        raise ModelUnavailable("model card incomplete", f"{path} lacks {', '.join(missing)}")
    return card


def load_model(artifacts_dir: Path | None = None, threads: int = 1) -> DigitModel:
    """Load and warm up a model; prefer :func:`get_model` in servers.

    The file must be the one its card describes (sha256), or a swapped file
    would be served under the card's version and accuracy. The session is
    made from the very bytes that were checked.
    """
    import onnxruntime as ort

    artifacts_dir = artifacts_dir or ARTIFACTS_DIR
    card = read_card(artifacts_dir)
    path = artifacts_dir / card["onnx_file"]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelUnavailable("model file missing or unreadable", f"{path}: {exc}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if digest != card["onnx_sha256"]:
        raise ModelUnavailable(
            "model file does not match its card", f"{path} has sha256 {digest}, its card says {card['onnx_sha256']}"
        )
    options = ort.SessionOptions()
    # One thread per call: web workers already run one request per core, and
    # thread hand-offs would cost more than the ~0.2 ms the model needs.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelUnavailable("model file cannot be loaded", f"{path}: {exc}") from exc
    model = DigitModel(card=card, _session=session, _input=session.get_inputs()[0].name)
    model.predict(np.zeros((1, 28, 28), np.float32))  # warm-up: the first real call is not slow
    return model


_lock = threading.Lock()
_model: DigitModel | None = None


def get_model() -> DigitModel:
    """The process-wide model, loaded on first use."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = load_model()
    return _model


def loaded_model() -> DigitModel | None:
    """The process-wide model if it is loaded already; never loads it."""
    return _model
