"""Serving benchmark: speed, memory and accuracy against the project's targets.

``python -m benchmarks.bench [--artifacts DIR] [--data MNIST_DIR]`` (``make bench``)
prints a Markdown table. Speed is measured in this process, one call after
another, as a web worker serves requests (the model runs on one thread, see
ml.model). Accuracy is measured on MNIST's test split and on benchmarks.synth's
realistic pictures (canvas drawings, paper photos, lines of digits), read by the
whole pipeline.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks import synth
from ml import measure
from ml.errors import ImageError
from ml.handwriting import DEFAULT_ROOT
from ml.model import ARTIFACTS_DIR, DigitModel, load_model
from ml.pipeline import read
from ml.timing import timings

SPEED_CALLS = 300
ACCURACY_SAMPLES = {"canvas": 500, "paper": 300, "line": 200, "page": 60, "touching": 100, "marks": 100}
SEED = 2024  # not the seed the tests use, so the bench is a second, independent sample


@dataclass(frozen=True)
class Row:
    measure: str
    value: str
    target: str
    ok: bool | None  # None: nothing to compare with


def _speed_row(label: str, call: Callable[[], object], target_p50: float | None) -> Row:
    p50, p95 = timings(call, SPEED_CALLS)
    target, ok = ("", None) if target_p50 is None else (f"p50 <= {target_p50:g} ms", p50 <= target_p50)
    return Row(f"{label}, p50 / p95", f"{p50:.2f} / {p95:.2f} ms", target, ok)


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _accuracy(model: DigitModel, kind: str, count: int) -> tuple[float, list[str]]:
    """Exact-match accuracy of read() on synthetic pictures, and the misreads."""
    misses = []
    for sample in synth.samples(kind, count, seed=SEED):
        try:
            number = read(sample.data, multi=kind in ("line", "page", "touching", "marks"), model=model).number
        except ImageError as exc:
            number = type(exc).__name__
        if number != sample.label:
            misses.append(f"{sample.label}->{number}")
    return 1 - len(misses) / count, misses


def _lines(photo: bool, count: int = 10) -> list[bytes]:
    rng = np.random.default_rng(SEED)
    return [synth.digit_line(rng, count=6, size=(1200, 300), photo=photo).data for _ in range(count)]


def _reads(pictures: list[bytes], multi: bool, model: DigitModel) -> Callable[[], object]:
    """A call reading the next of several pictures: one picture's quirks do not set the figure
    (read past a refusal: a refused number is searched as fully as one read)."""
    turn = itertools.cycle(pictures)
    return lambda: read(next(turn), multi=multi, model=model, force=True)


def speed(model: DigitModel, load_seconds: float) -> list[Row]:
    one = np.zeros((1, 28, 28), np.float32)
    eight = np.zeros((8, 28, 28), np.float32)
    canvases = [s.data for s in synth.samples("canvas", 20, seed=SEED)]
    touching = [s.data for s in synth.samples("touching", 20, seed=SEED)]
    return [
        Row("model load (fresh process: import, load, warm-up)", f"{load_seconds:.2f} s", "< 2 s", load_seconds < 2),
        _speed_row("model call, 1 digit", lambda: model.predict(one), 1),
        _speed_row("model call, batch of 8", lambda: model.predict(eight), 2),
        _speed_row("read(), 280x280 canvas PNG", _reads(canvases, False, model), 5),
        _speed_row("read(), 1200x300 line of 6 digits, drawn (PNG)", _reads(_lines(photo=False), True, model), 15),
        _speed_row("read(), 1200x300 line of 6 digits, photo (JPEG)", _reads(_lines(photo=True), True, model), None),
        _speed_row("read(), a number of 2-4 touching digits", _reads(touching, True, model), None),
    ]


def accuracy(model: DigitModel, data: Path) -> list[Row]:
    rows = []
    if data.exists():
        from ml.data import load_mnist
        from ml.evaluate import evaluate_model

        mnist = load_mnist(data)
        result = evaluate_model(model.predict, mnist.x_test, mnist.y_test)
        rows.append(
            Row(
                f"MNIST test accuracy, the model alone ({len(mnist.y_test)} images; not-a-digit counts as wrong)",
                f"{result.accuracy:.2%}",
                ">= 99.6%",
                result.accuracy >= 0.996,
            )
        )
        piped, refused = measure.mnist_through_pipeline(model, mnist.x_test, mnist.y_test)
        rows.append(
            Row(
                f"MNIST test accuracy, each digit sent as a PNG through read() ({refused} refused)",
                f"{piped:.2%}",
                ">= 99.6%",
                piped >= 0.996,
            )
        )
    else:
        print(f"note: no MNIST at {data}, MNIST accuracy skipped (--data)")
    names = {
        "canvas": "canvas single digits",
        "paper": "paper photo single digits",
        "line": "whole numbers (lines)",
        "page": "pages of 2-3 lines",
        "touching": "numbers with touching digits",
        "marks": "numbers with marks between groups",
    }
    targets = {"canvas": 0.98, "paper": 0.98, "line": 0.95, "page": 0.80, "touching": 0.70, "marks": 0.75}
    for kind, count in ACCURACY_SAMPLES.items():
        score, misses = _accuracy(model, kind, count)
        rows.append(
            Row(
                f"read() accuracy, {names[kind]} ({count})",
                f"{score:.1%}",
                f">= {targets[kind]:.0%}",
                score >= targets[kind],
            )
        )
        if misses:
            print(f"misread {kind} (label->read): {' '.join(misses[:25])}{' ...' if len(misses) > 25 else ''}")
    return rows


def table(rows: list[Row]) -> str:
    marks = {True: "yes", False: "**no**", None: ""}
    lines = ["| measure | value | target | met |", "| --- | --- | --- | --- |"]
    lines += [f"| {r.measure} | {r.value} | {r.target} | {marks[r.ok]} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description="Benchmark the served model and the reading pipeline.")
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR, help="folder with model_card.json")
    parser.add_argument(
        "--data",
        type=Path,
        default=Path("../shared/datasets/mnist"),
        help="folder of MNIST IDX files (skipped if absent)",
    )
    parser.add_argument(
        "--handwriting", type=Path, default=DEFAULT_ROOT, help="folder of the other writers' sets (skipped if absent)"
    )
    parser.add_argument(
        "--figures", type=Path, default=Path("docs/bench"), help="where the confusion matrix and reliability diagram go"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    model = load_model(args.artifacts)
    rows = speed(model, time.perf_counter() - started)
    rss = _rss_mb()
    rows.append(Row("resident memory, model loaded", f"{rss:.0f} MB", "<= 300 MB", rss <= 300))
    rows += accuracy(model, args.data)
    print(
        f"model {model.version} from {args.artifacts}: temperature {model.temperature:.3f}, "
        f"uncertain below {model.uncertain_below:.3f}, not a digit at {model.refuse_at:.3f}\n"
    )
    print(table(rows))
    if args.handwriting.exists():
        answers = measure.answers(model, args.handwriting)
        print(
            f"\nHeld-out writers, fonts and shapes (ml.handwriting test split), each read by read() "
            f"as a PNG, {measure.RENDERS} renders of each pen trajectory:\n"
        )
        print(measure.table(measure.by_source(answers)))
        for path in measure.figures_written(answers, args.figures):
            print(f"wrote {path}")
    else:
        print(f"note: no data sets at {args.handwriting}, held-out writers skipped (--handwriting)")
    return rows


if __name__ == "__main__":
    main()
