"""The served model: loaded once per process, lazily, thread-safely, warmed up.

Serving runs the ONNX export of the trained Keras model in ONNX Runtime rather
than TensorFlow: one call on a batch costs a fraction of a millisecond (a
``tf.function`` call alone has ~0.5 ms of overhead here, ``model.predict``
~100 ms), the process stays small and the model loads in milliseconds.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"
CARD_NAME = "model_card.json"
# For a card that chose none from data (see ml.calibrate): the digit's probability
# below which a reading is flagged, and the "not a digit" probability at which a
# mark is refused.
UNCERTAIN_BELOW = 0.8
REFUSE_AT = 0.5


class ModelUnavailable(RuntimeError):
    """The model files are missing or unreadable."""


@dataclass
class DigitModel:
    """A loaded model; ``predict`` is safe to call from several threads at once."""

    card: dict
    path: Path
    _session: object = field(repr=False)
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
        return self._session.run(None, {self._input: batch})[0]


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


def read_card(artifacts_dir: Path = ARTIFACTS_DIR) -> dict:
    try:
        return json.loads((artifacts_dir / CARD_NAME).read_text())
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(f"cannot read {artifacts_dir / CARD_NAME}: {exc}") from exc


def load_model(artifacts_dir: Path = ARTIFACTS_DIR, threads: int = 1) -> DigitModel:
    """Load and warm up a model; prefer :func:`get_model` in servers."""
    import onnxruntime as ort

    card = read_card(artifacts_dir)
    path = artifacts_dir / card["onnx_file"]
    options = ort.SessionOptions()
    # One thread per call: web workers already run one request per core, and
    # thread hand-offs would cost more than the ~0.2 ms the model needs.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise ModelUnavailable(f"cannot load {path}: {exc}") from exc
    model = DigitModel(card=card, path=path, _session=session, _input=session.get_inputs()[0].name)
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
