"""How long a call takes, and the canvas picture whose reading the gate times.

The benchmarks (benchmarks.bench) and the gate (ml.gate) time calls alike, so
that the gate's "one canvas read" means what the benchmark's table means. The
picture is a file rather than drawn here: the engine has no drawing code of its
own, and the gate times the same bytes for every model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

# A 7 drawn as benchmarks.pictures.digits_png("7") draws it: 280x280, dark on white, like the drawing page.
CANVAS_PICTURE = Path(__file__).with_name("canvas_seven.png")


def timings(call: Callable[[], object], calls: int) -> tuple[float, float]:
    """p50 and p95 in ms, after one untimed call."""
    call()
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    return float(p50), float(p95)
