"""Reproducible training: seeded split, per-epoch augmentation, cosine learning rate.

Writes ``<version>.keras`` (the trained model, kept as the source of truth),
``<version>.onnx`` (the same graph for ONNX Runtime, which serves it: no
TensorFlow in the web process, sub-millisecond calls) and ``model_card.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml import calibrate
from ml.augment import DESCRIPTION as AUGMENTATION
from ml.augment import augment_batch
from ml.data import Extra, Mnist, load_extra, load_mnist
from ml.evaluate import evaluate_model, report
from ml.handwriting import DEFAULT_ROOT, Images, whole_form
from ml.handwriting import load as load_handwriting
from ml.model import ARTIFACTS_DIR, CARD_NAME

VALIDATION_SIZE = 5000
# Share of MNIST training images shown each epoch as the pipeline makes them from
# a picture (thresholded, stroke width evened, re-centred) rather than as MNIST
# made them: the model must read both forms equally well.
PIPELINE_FORM_SHARE = 0.5
# Adam on a cosine schedule: warmed up from the first rate to the peak over the first
# fifteenth of the steps, then down to 0. The card's words for it are made from these.
LEARNING_RATE_START = 1e-3
LEARNING_RATE_PEAK = 3e-3
WARMUP_DIVISOR = 15  # the warm-up takes the first steps // WARMUP_DIVISOR


def _rate(rate: float) -> str:
    """A learning rate as the card writes it: 3e-3."""
    mantissa, exponent = f"{rate:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


OPTIMIZER = f"Adam, cosine decay {_rate(LEARNING_RATE_PEAK)} to 0 after warm-up"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Handwriting:
    """The sets beyond MNIST (see ml.handwriting): one split to train on, another to calibrate on."""

    train: Images
    calibration: Images
    settings: dict  # how they were rendered, for the card


@dataclass(frozen=True)
class _Split:
    x_train: np.ndarray  # (n, 28, 28) uint8
    x_train_pipeline: np.ndarray  # the same images in the pipeline's form (MNIST ones), else themselves
    y_train: np.ndarray
    x_val: np.ndarray  # (n, 28, 28, 1) float32
    y_val: np.ndarray


def _split(
    data: Mnist,
    rng: np.random.Generator,
    *,
    validation_size: int,
    limit: int | None,
    extra: Extra | None,
    handwriting: Handwriting | None,
    log,
) -> _Split:
    """MNIST's training file into train and validation; the other sets and corrections join train only."""
    order = rng.permutation(len(data.x_train))
    if limit:
        order = order[:limit]
    val_idx, train_idx = order[:validation_size], order[validation_size:]
    x_train, y_train = data.x_train[train_idx], data.y_train[train_idx]
    x_pipeline = pipeline_forms(x_train)
    for name, more in (("extra", extra), ("handwriting", handwriting.train if handwriting else None)):
        if more is not None:  # they teach the model; they are never used to validate it
            x_train, y_train = np.concatenate([x_train, more.x]), np.concatenate([y_train, more.y])
            x_pipeline = np.concatenate([x_pipeline, more.x])  # already in the pipeline's form
            log(f"with {len(more.x)} {name} images")
    x_val = data.x_train[val_idx][..., None].astype(np.float32) / 255.0
    return _Split(x_train, x_pipeline, y_train, x_val, data.y_train[val_idx])


def pipeline_forms(images: np.ndarray) -> np.ndarray:
    """MNIST images as the pipeline makes them when each is sent as a picture (its ink, re-formed)."""
    forms = [whole_form(image) for image in images]
    return np.stack([image if form is None else form for image, form in zip(images, forms, strict=True)])


def _fit(model, split: _Split, rng: np.random.Generator, *, epochs: int, batch_size: int, log, progress=None) -> None:
    import keras

    steps = epochs * int(np.ceil(len(split.x_train) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        LEARNING_RATE_START,
        decay_steps=steps,
        warmup_target=LEARNING_RATE_PEAK,
        warmup_steps=max(1, steps // WARMUP_DIVISOR),
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    for epoch in range(epochs):
        t0 = time.perf_counter()
        forms = np.where(
            (rng.uniform(size=len(split.x_train)) < PIPELINE_FORM_SHARE)[:, None, None],
            split.x_train_pipeline,
            split.x_train,
        )
        x_epoch = augment_batch(forms, rng)[..., None].astype(np.float32) / 255.0
        history = model.fit(
            x_epoch,
            split.y_train,
            batch_size=batch_size,
            epochs=1,
            verbose=0,
            validation_data=(split.x_val, split.y_val),
            shuffle=True,
        )
        h = {k: v[-1] for k, v in history.history.items()}
        seconds = time.perf_counter() - t0
        log(
            f"epoch {epoch + 1}/{epochs}: loss {h['loss']:.4f} acc {h['accuracy']:.4f} "
            f"val_loss {h['val_loss']:.4f} val_acc {h['val_accuracy']:.4f} ({seconds:.0f}s)"
        )
        if progress is not None:  # may raise to stop the run (a cancelled training run)
            progress(
                {
                    "epoch": epoch + 1,
                    "epochs": epochs,
                    "loss": float(h["loss"]),
                    "val_accuracy": float(h["val_accuracy"]),
                    "seconds_left": round(seconds * (epochs - epoch - 1)),
                }
            )


def _export(model, out_dir: Path, version: str, width: float) -> tuple[Path, Path]:
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

    from ml.architecture import CLASSES, build_model

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    split = _split(
        data, rng, validation_size=validation_size, limit=limit, extra=extra, handwriting=handwriting, log=log
    )
    log(f"training on {len(split.x_train)} images, validating on {len(split.x_val)}, {epochs} epochs, seed {seed}")
    model = build_model(width)
    _fit(model, split, rng, epochs=epochs, batch_size=batch_size, log=log, progress=progress)

    def predict(batch: np.ndarray) -> np.ndarray:
        return model.predict(batch.reshape(-1, 28, 28, 1), batch_size=1024, verbose=0)

    val_report = report(split.y_val, np.argmax(predict(split.x_val), axis=1))
    test_report = evaluate_model(predict, data.x_test, data.y_test)
    log(test_report.format())
    calibration = None
    if handwriting is not None:
        calibration = calibrate.fit(
            predict(handwriting.calibration.x.astype(np.float32) / 255.0), handwriting.calibration.y.astype(int)
        )
        log(
            f"calibration: temperature {calibration.temperature:.3f}, uncertain below "
            f"{calibration.uncertain_below:.3f}, refuse at {calibration.refuse_at:.3f}: {calibration.figures}"
        )

    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    version = version or f"digits-{created:%Y%m%d-%H%M%S}"
    keras_path, onnx_path = _export(model, out_dir, version, width)
    card = {
        "version": version,
        "created": created.isoformat(),
        "training_command": command,
        "training_seconds": round(time.perf_counter() - started),
        "data_sha256": data.sha256,
        "extra_data": {"images": len(extra.x), "sha256": extra.sha256} if extra is not None else None,
        "handwriting": None
        if handwriting is None
        else {
            **handwriting.settings,
            "training_images": len(handwriting.train.y),
            "calibration_images": len(handwriting.calibration.y),
        },
        "file": keras_path.name,
        "sha256": _sha256(keras_path),
        "onnx_file": onnx_path.name,
        "onnx_sha256": _sha256(onnx_path),
        "parameters": int(model.count_params()),
        "classes": list(CLASSES),
        "not_a_digit_class": True,
        "input": "28x28 grey, white ink on black, 0..1, MNIST-normalised (20 px box, centred by mass)",
        "hyperparameters": {
            "epochs": epochs,
            "batch_size": batch_size,
            "seed": seed,
            "width": width,
            "validation_size": len(split.x_val),
            "training_size": len(split.x_train),
            "optimizer": OPTIMIZER,
            "augmentation": AUGMENTATION,
            "pipeline_form_share": PIPELINE_FORM_SHARE,
        },
        "validation_accuracy": val_report.accuracy,
        "test_accuracy": test_report.accuracy,
        "test_per_class_accuracy": test_report.per_class,
    }
    if calibration is not None:
        card.update(calibration_card(calibration))
    (out_dir / CARD_NAME).write_text(json.dumps(card, indent=2) + "\n")
    log(f"wrote {keras_path} ({keras_path.stat().st_size / 1e6:.2f} MB), {onnx_path.name} and {CARD_NAME}")
    return card


def calibration_card(calibration: calibrate.Calibration) -> dict:
    """The card's account of how sure the model's answers are made, and of its thresholds."""
    return {
        "calibration": {
            "temperature": calibration.temperature,
            "method": "temperature scaling",
            "fitted_on": "ml.handwriting calibration split (held-out writers, fonts, shapes)",
            **calibration.figures,
        },
        "thresholds": {
            "uncertain_below": calibration.uncertain_below,
            "refuse_at": calibration.refuse_at,
            "goals": {
                "right_flagged_at_most": calibrate.MAX_RIGHT_FLAGGED,
                "wrong_flagged_enough": calibrate.WRONG_FLAGGED,
                "digits_refused_at_most": calibrate.MAX_DIGITS_REFUSED,
            },
        },
    }


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
