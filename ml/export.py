"""The trained model written as it is served: a Keras file and its ONNX twin.

``<version>.keras`` is kept as the source of truth; ``<version>.onnx`` is the
same graph for ONNX Runtime, which serves it (no TensorFlow in the web process,
sub-millisecond calls).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def export(model, out_dir: Path, version: str, width: float) -> tuple[Path, Path]:
    """The served files, written beside the old ones, which go only once the new ones exist."""
    from ml.architecture import build_model

    out_dir.mkdir(parents=True, exist_ok=True)
    old = list(out_dir.glob("*.keras")) + list(out_dir.glob("*.onnx"))
    keras_path = out_dir / f"{version}.keras"
    onnx_path = out_dir / f"{version}.onnx"
    # A fresh copy without the optimizer state: a third of the size, same weights.
    served = build_model(width)
    served.set_weights(model.get_weights())
    served(np.zeros((1, *served.input_shape[1:]), np.float32))  # export needs a traced model
    served.save(keras_path)
    served.export(str(onnx_path), format="onnx", verbose=False)
    for path in old:
        if path not in (keras_path, onnx_path):
            path.unlink()
    return keras_path, onnx_path
