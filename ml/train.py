"""Reproducible training: split, fit, evaluate, calibrate, export, and the model card.

Writes ``<version>.keras`` and ``<version>.onnx`` (ml.export) and
``model_card.json`` (ml.card) into the output folder. ``python -m ml.train``
and ``manage.py train_model`` share the options below.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ml import calibrate
from ml.card import model_card, write_card
from ml.data import Extra, Mnist, load_extra, load_mnist
from ml.evaluate import Report, evaluate_model, report
from ml.export import export
from ml.fit import Split, fit_model, split_data
from ml.handwriting import DEFAULT_ROOT, Handwriting, Images
from ml.handwriting import load as load_handwriting
from ml.model import ARTIFACTS_DIR

VALIDATION_SIZE = 5000


def train(
    data: Mnist,
    *,
    out_dir: Path = ARTIFACTS_DIR,
    epochs: int = 12,
    batch_size: int = 128,
    seed: int = 1,
    validation_size: int = VALIDATION_SIZE,
    limit: int | None = None,
    extra: Extra | None = None,
    handwriting: Handwriting | None = None,
    width: float = 1.0,
    touching: int = 0,
    command: str = "",
    log=print,
    version: str | None = None,
    progress=None,
) -> dict:
    """Train, evaluate, calibrate and export a model into ``out_dir`` with its card.

    ``version`` names it (by default from the time it was made); ``progress``
    is called after each epoch with its figures, and may raise to stop the run.
    """
    import keras

    from ml.architecture import build_model

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    split = split_data(
        data,
        rng,
        validation_size=validation_size,
        limit=limit,
        extra=extra,
        handwriting=handwriting,
        log=log,
        touching=touching,
    )
    log(f"training on {len(split.x_train)} images, validating on {len(split.x_val)}, {epochs} epochs, seed {seed}")
    model = build_model(width)
    fit_model(model, split, rng, epochs=epochs, batch_size=batch_size, log=log, progress=progress)
    hyperparameters = {"epochs": epochs, "batch_size": batch_size, "seed": seed, "width": width}
    card = _measured_and_written(
        model,
        data=data,
        split=split,
        extra=extra,
        handwriting=handwriting,
        hyperparameters={**hyperparameters, "touching_pairs": touching},
        out_dir=out_dir,
        version=version,
        command=command,
        started=started,
        log=log,
    )
    return card


def _measured_and_written(
    model,
    *,
    data: Mnist,
    split: Split,
    extra: Extra | None,
    handwriting: Handwriting | None,
    hyperparameters: dict,
    out_dir: Path,
    version: str | None,
    command: str,
    started: float,
    log,
) -> dict:
    """The trained model evaluated, calibrated and exported, with its card beside it."""
    predict = predictor(model)
    validation, test = _evaluate(predict, split, data, log)
    calibration = calibrate_on(predict, handwriting.calibration, log) if handwriting is not None else None
    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    version = version or f"digits-{created:%Y%m%d-%H%M%S}"
    card = model_card(
        version=version,
        created=created,
        command=command,
        seconds=time.perf_counter() - started,
        data=data,
        extra=extra,
        handwriting=handwriting,
        files=export(model, out_dir, version, hyperparameters["width"]),
        parameters=int(model.count_params()),
        hyperparameters=hyperparameters,
        split=split,
        validation=validation,
        test=test,
        calibration=calibration,
    )
    write_card(card, out_dir, log)
    return card


def predictor(model) -> Callable[[np.ndarray], np.ndarray]:
    """The trained Keras model's probabilities for (n, 28, 28) float images."""

    def predict(batch: np.ndarray) -> np.ndarray:
        return model.predict(batch.reshape(-1, 28, 28, 1), batch_size=1024, verbose=0)

    return predict


def _evaluate(predict: Callable[[np.ndarray], np.ndarray], split: Split, data: Mnist, log) -> tuple[Report, Report]:
    """Accuracy on the validation images, and on MNIST's test set (logged in full)."""
    validation = report(split.y_val, np.argmax(predict(split.x_val), axis=1))
    test = evaluate_model(predict, data.x_test, data.y_test)
    log(test.format())
    return validation, test


def calibrate_on(predict: Callable[[np.ndarray], np.ndarray], images: Images, log) -> calibrate.Calibration:
    """The temperature and thresholds, fitted on ``images`` (the other sets' calibration split)."""
    calibration = calibrate.fit(predict(images.x.astype(np.float32) / 255.0), images.y.astype(int))
    log(
        f"calibration: temperature {calibration.temperature:.3f}, uncertain below "
        f"{calibration.uncertain_below:.3f}, refuse at {calibration.refuse_at:.3f}: {calibration.figures}"
    )
    return calibration


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m ml.train``, shared with ``manage.py train_model``."""
    p.add_argument("--data", help="folder of MNIST IDX files (gzip or raw) or an .npz; default: Keras' downloader")
    p.add_argument("--epochs", type=int, help="default: 12, or 4 with --quick")
    p.add_argument("--quick", action="store_true", help="fewer epochs and renders: well inside 30 minutes")
    p.add_argument(
        "--handwriting",
        default=str(DEFAULT_ROOT),
        help="folder of the other sets (usps, semeion, uji_pen, ipad_one_writer)",
    )
    p.add_argument("--mnist-only", action="store_true", help="train on MNIST alone (no not-a-digit class data)")
    p.add_argument("--cache", type=Path, default=Path(".cache"), help="where rendered handwriting is kept")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--width", type=float, default=1.0, help="filters per layer, times the base 32-64-128")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--touching", type=int, default=0, help="this many touching pairs and halves made from MNIST (ml.pairs)"
    )
    p.add_argument("--out", type=Path, default=ARTIFACTS_DIR, help="where the model and its card go")
    p.add_argument("--limit", type=int, help="use only this many training images (for quick checks)")
    p.add_argument("--validation-size", type=int, default=VALIDATION_SIZE)
    p.add_argument("--extra", help="an .npz of more training images (x, y), e.g. from manage.py export_corrections")


CALIBRATION_SETTINGS = {"renders": 4, "scan_renders": 1, "non_digits": 3000, "seed": 1}


def handwriting_sets(root: Path, *, quick: bool, cache: Path | None, log=print) -> Handwriting:
    """The other writers' digits and the non-digits, rendered (or read from the cache)."""
    settings = {
        "root": "shared/datasets",
        "renders": 3 if quick else 8,
        "scan_renders": 1 if quick else 2,
        "non_digits": 6000 if quick else 16000,
        "seed": 1,
    }
    started = time.perf_counter()
    train_set = load_handwriting(root, "train", cache=cache, **{k: v for k, v in settings.items() if k != "root"})
    calibration = load_handwriting(root, "calibration", cache=cache, **CALIBRATION_SETTINGS)
    log(
        f"handwriting: {len(train_set.y)} training and {len(calibration.y)} calibration images "
        f"({time.perf_counter() - started:.0f}s)"
    )
    return Handwriting(train=train_set, calibration=calibration, settings=settings)


def run(args: argparse.Namespace, command: str) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    data = load_mnist(args.data)
    log = lambda line: print(line, flush=True)  # noqa: E731
    handwriting = (
        None
        if args.mnist_only
        else handwriting_sets(Path(args.handwriting), quick=args.quick, cache=args.cache, log=log)
    )
    epochs = args.epochs or (4 if args.quick else 12)
    return train(
        data,
        out_dir=args.out,
        epochs=epochs,
        batch_size=args.batch_size,
        seed=args.seed,
        validation_size=args.validation_size,
        limit=args.limit,
        extra=load_extra(args.extra) if args.extra else None,
        handwriting=handwriting,
        width=args.width,
        touching=args.touching,
        command=command,
        log=log,
    )


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Train the digit CNN on MNIST.")
    add_arguments(parser)
    return run(parser.parse_args(argv), "python -m ml.train " + shlex.join(argv))


if __name__ == "__main__":
    main()
