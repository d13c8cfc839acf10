"""The trained model written as it is served: a Keras file and its ONNX twin.

``<version>.keras`` is kept as the source of truth; ``<version>.onnx`` is the
same graph for ONNX Runtime, which serves it (no TensorFlow in the web process,
sub-millisecond calls).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def export(model, out_dir: Path, version: str, width: float) -> tuple[Path, Path]:
    """A trained model's served files, without its optimizer's state (a third of the size, same weights)."""
    from ml.architecture import build_model

    served = build_model(width)
    served.set_weights(model.get_weights())
    return write_model(served, out_dir, version)


def write_model(served, out_dir: Path, version: str) -> tuple[Path, Path]:
    """The served files, written beside the old ones, which go only once the new ones exist."""
    out_dir.mkdir(parents=True, exist_ok=True)
    old = list(out_dir.glob("*.keras")) + list(out_dir.glob("*.onnx"))
    keras_path = out_dir / f"{version}.keras"
    onnx_path = out_dir / f"{version}.onnx"
    served(np.zeros((1, *served.input_shape[1:]), np.float32))  # export needs a traced model
    served.save(keras_path)
    served.export(str(onnx_path), format="onnx", verbose=False)
    for path in old:
        if path not in (keras_path, onnx_path):
            path.unlink()
    return keras_path, onnx_path
