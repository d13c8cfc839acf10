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
from pathlib import Path

import numpy as np

from ml.augment import augment_batch
from ml.data import Extra, Mnist, load_extra, load_mnist
from ml.evaluate import evaluate_model, report
from ml.model import ARTIFACTS_DIR, CARD_NAME

VALIDATION_SIZE = 5000


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def train(data: Mnist, *, out_dir: Path = ARTIFACTS_DIR, epochs: int = 15, batch_size: int = 128,
          seed: int = 1, validation_size: int = VALIDATION_SIZE, limit: int | None = None,
          extra: Extra | None = None, command: str = "", log=print) -> dict:
    import keras

    from ml.architecture import CLASSES, build_model

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)

    order = rng.permutation(len(data.x_train))
    if limit:
        order = order[:limit]
    val_idx, train_idx = order[:validation_size], order[validation_size:]
    x_val = data.x_train[val_idx][..., None].astype(np.float32) / 255.0
    y_val = data.y_train[val_idx]
    x_train, y_train = data.x_train[train_idx], data.y_train[train_idx]
    if extra is not None:  # corrections teach the model; they are never used to validate it
        x_train, y_train = np.concatenate([x_train, extra.x]), np.concatenate([y_train, extra.y])
        log(f"with {len(extra.x)} extra images")
    log(f"training on {len(x_train)} images, validating on {len(x_val)}, {epochs} epochs, seed {seed}")

    model = build_model()
    steps = epochs * int(np.ceil(len(x_train) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(1e-3, decay_steps=steps, warmup_target=3e-3,
                                                      warmup_steps=max(1, steps // 15))
    model.compile(optimizer=keras.optimizers.Adam(schedule), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    started = time.perf_counter()
    for epoch in range(epochs):
        t0 = time.perf_counter()
        x_epoch = augment_batch(x_train, rng)[..., None].astype(np.float32) / 255.0
        history = model.fit(x_epoch, y_train, batch_size=batch_size, epochs=1, verbose=0,
                            validation_data=(x_val, y_val), shuffle=True)
        h = {k: v[-1] for k, v in history.history.items()}
        log(f"epoch {epoch + 1}/{epochs}: loss {h['loss']:.4f} acc {h['accuracy']:.4f} "
            f"val_loss {h['val_loss']:.4f} val_acc {h['val_accuracy']:.4f} ({time.perf_counter() - t0:.0f}s)")

    predict = lambda batch: model(batch[..., None], training=False).numpy()  # noqa: E731
    val_report = report(y_val, np.argmax(predict(x_val[..., 0]), axis=1))
    test_report = evaluate_model(predict, data.x_test, data.y_test)
    log(test_report.format())

    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    version = f"digits-{created:%Y%m%d-%H%M%S}"
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in list(out_dir.glob("*.keras")) + list(out_dir.glob("*.onnx")):
        old.unlink()
    keras_path = out_dir / f"{version}.keras"
    onnx_path = out_dir / f"{version}.onnx"
    # A fresh copy without the optimizer state: a third of the size, same weights.
    served = build_model()
    served.set_weights(model.get_weights())
    served(np.zeros((1, *served.input_shape[1:]), np.float32))  # export needs a traced model
    served.save(keras_path)
    served.export(str(onnx_path), format="onnx", verbose=False)

    card = {
        "version": version,
        "created": created.isoformat(),
        "training_command": command,
        "training_seconds": round(time.perf_counter() - started),
        "data_sha256": data.sha256,
        "extra_data": {"images": len(extra.x), "sha256": extra.sha256} if extra is not None else None,
        "file": keras_path.name,
        "sha256": _sha256(keras_path),
        "onnx_file": onnx_path.name,
        "onnx_sha256": _sha256(onnx_path),
        "parameters": int(model.count_params()),
        "classes": list(CLASSES),
        "input": "28x28 grey, white ink on black, 0..1, MNIST-normalised (20 px box, centred by mass)",
        "hyperparameters": {"epochs": epochs, "batch_size": batch_size, "seed": seed,
                            "validation_size": len(x_val), "training_size": len(x_train),
                            "optimizer": "Adam, cosine decay 3e-3 to 0 after warm-up",
                            "augmentation": "rotation 12 deg, zoom 12%, shear 0.25, shift 2.5 px, erode/dilate 30%"},
        "validation_accuracy": val_report.accuracy,
        "test_accuracy": test_report.accuracy,
        "test_per_class_accuracy": test_report.per_class,
    }
    (out_dir / CARD_NAME).write_text(json.dumps(card, indent=2) + "\n")
    log(f"wrote {keras_path} ({keras_path.stat().st_size / 1e6:.2f} MB), {onnx_path.name} and {CARD_NAME}")
    return card


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``python -m ml.train``, shared with ``manage.py train_model``."""
    p.add_argument("--data", help="folder of MNIST IDX files (gzip or raw) or an .npz; default: Keras' downloader")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", type=Path, default=ARTIFACTS_DIR, help="where the model and its card go")
    p.add_argument("--limit", type=int, help="use only this many training images (for quick checks)")
    p.add_argument("--validation-size", type=int, default=VALIDATION_SIZE)
    p.add_argument("--extra", help="an .npz of more training images (x, y), e.g. from manage.py export_corrections")


def run(args: argparse.Namespace, command: str) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    data = load_mnist(args.data)
    return train(data, out_dir=args.out, epochs=args.epochs, batch_size=args.batch_size, seed=args.seed,
                 validation_size=args.validation_size, limit=args.limit,
                 extra=load_extra(args.extra) if args.extra else None, command=command,
                 log=lambda line: print(line, flush=True))


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Train the digit CNN on MNIST.")
    add_arguments(parser)
    return run(parser.parse_args(argv), "python -m ml.train " + shlex.join(argv))


if __name__ == "__main__":
    main()
