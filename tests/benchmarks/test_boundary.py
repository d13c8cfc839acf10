"""The benchmarks stay outside the engine: a web process imports ``ml``, which reads pictures and draws none."""

from __future__ import annotations

import ast
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from benchmarks.pictures import digits_png
from ml.timing import CANVAS_PICTURE

ENGINE = sorted((Path(__file__).resolve().parents[2] / "ml").rglob("*.py"))


@pytest.mark.parametrize("path", ENGINE, ids=lambda path: path.name)
def test_the_engine_imports_nothing_from_the_benchmarks(path):
    tree = ast.parse(path.read_text())
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {m for m in modules if m.split(".")[0] == "benchmarks"}


def test_the_canvas_the_gate_times_is_the_benchmarks_plainest_seven():
    """Kept as a file in ml (see ml.timing); it must stay the drawing it stands for."""

    def pixels(data: bytes) -> np.ndarray:
        return np.asarray(Image.open(io.BytesIO(data)).convert("L"))

    assert np.array_equal(pixels(CANVAS_PICTURE.read_bytes()), pixels(digits_png("7")))
