"""The figures two models are compared on before one replaces the other.

The same fixed tests for both: MNIST's test set, the held-out writers, fonts
and shapes of ml.measure (other writers' digits read right, non-digits refused,
calibration error), the held-back corrections of the site's own users, and the
cost of one canvas read. A candidate is judged against the model in service
on these (learning.services.gate_failures), never on its own card's claims.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np

from ml import measure
from ml.data import Extra, Mnist
from ml.model import DigitModel
from ml.pipeline import read
from ml.timing import CANVAS_PICTURE, timings

CANVAS_CALLS = 60


def figures(
    model: DigitModel,
    *,
    mnist: Mnist,
    limit: int | None = None,
    handwriting_root: Path | None = None,
    corrections: Extra | None = None,
) -> dict:
    """Each figure of the gate for ``model``; a figure with no data to measure it on is None.

    ``limit`` takes the first so many of each test set: a quick comparison, the
    same for both models.
    """
    x, y = mnist.x_test[:limit], mnist.y_test[:limit]
    predicted = np.argmax(model.predict(x.astype(np.float32) / 255.0), axis=1)  # "not a digit" counts as wrong
    out: dict = {
        "mnist_accuracy": float(np.mean(predicted == y)),
        "mnist_per_class": {str(d): float(np.mean(predicted[y == d] == d)) for d in range(10) if np.any(y == d)},
        "heldout_accuracy": None,
        "non_digits_refused": None,
        "ece": None,
        "corrections_accuracy": None,
        "canvas_p50_ms": _canvas_p50_ms(model),
    }
    if handwriting_root is not None and handwriting_root.is_dir():
        rows = {r.source: r for r in measure.by_source(measure.answers(model, handwriting_root, per_set=limit))}
        digits, non_digits = rows["all other writers' digits"], rows["all non-digits"]
        out.update(heldout_accuracy=digits.accuracy, ece=digits.ece, non_digits_refused=non_digits.refused)
    if corrections is not None and len(corrections.y):
        answers = np.argmax(model.predict(corrections.x.astype(np.float32) / 255.0), axis=1)
        out["corrections_accuracy"] = float(np.mean(answers == corrections.y))
    return out


# A fresh process that loads the model from its folder and reads one canvas, then says its size.
_RESIDENT = """
import json, sys
from pathlib import Path
from ml.model import load_model
from ml.pipeline import read
from ml.timing import CANVAS_PICTURE
model = load_model(Path(sys.argv[1]))
read(CANVAS_PICTURE.read_bytes(), multi=False, model=model)
rss = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmRSS:"))
print(json.dumps(rss / 1024))
"""


def resident_mb(artifacts_dir: Path) -> float:
    """The memory of one serving process with this model loaded and one reading made (MB, resident)."""
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", _RESIDENT, str(artifacts_dir)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return float(json.loads(result.stdout.strip().splitlines()[-1]))


def _canvas_p50_ms(model: DigitModel) -> float:
    picture = CANVAS_PICTURE.read_bytes()
    p50, _ = timings(lambda: read(picture, multi=False, model=model), calls=CANVAS_CALLS)
    return p50
