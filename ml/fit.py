"""Fitting the network: the seeded split, each epoch's forms and augmentation, the learning rate.

Each epoch shows every training image once, half of the MNIST ones in the form
the pipeline makes of a picture, all of them augmented afresh; the learning
rate follows a cosine schedule after a short warm-up.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ml.augment import augment_batch
from ml.data import Extra, Mnist
from ml.handwriting import Handwriting
from ml.pairs import touching_forms
from ml.render import whole_form

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


@dataclass(frozen=True)
class Split:
    """The images one run fits and validates on; each training image also in the pipeline's
    form, for the epochs to choose between."""

    x_train: np.ndarray  # (n, 28, 28) uint8
    x_train_pipeline: np.ndarray  # the same images in the pipeline's form (MNIST ones), else themselves
    y_train: np.ndarray
    x_val: np.ndarray  # (n, 28, 28, 1) float32
    y_val: np.ndarray


def split_data(
    data: Mnist,
    rng: np.random.Generator,
    *,
    validation_size: int,
    limit: int | None,
    extra: Extra | None,
    handwriting: Handwriting | None,
    log,
    touching: int = 0,
) -> Split:
    """MNIST's training file into train and validation; the other sets, ``touching`` pairs and
    halves made from the training digits (ml.pairs) and corrections join train only."""
    order = rng.permutation(len(data.x_train))
    if limit:
        order = order[:limit]
    val_idx, train_idx = order[:validation_size], order[validation_size:]
    x_train, y_train = data.x_train[train_idx], data.y_train[train_idx]
    x_pipeline = pipeline_forms(x_train)
    more: list[tuple[str, np.ndarray, np.ndarray]] = []  # they teach the model; they never validate it
    if extra is not None:
        more.append(("extra", extra.x, extra.y))
    if handwriting is not None:
        more.append(("handwriting", handwriting.train.x, handwriting.train.y))
    if touching:
        more.append(("touching", *touching_forms(x_train, y_train, touching, rng)))
    for name, x, y in more:
        x_train, y_train = np.concatenate([x_train, x]), np.concatenate([y_train, y])
        x_pipeline = np.concatenate([x_pipeline, x])  # already in the pipeline's form
        log(f"with {len(x)} {name} images")
    x_val = data.x_train[val_idx][..., None].astype(np.float32) / 255.0
    return Split(x_train, x_pipeline, y_train, x_val, data.y_train[val_idx])


def pipeline_forms(images: np.ndarray) -> np.ndarray:
    """MNIST images as the pipeline makes them when each is sent as a picture (its ink, re-formed)."""
    forms = [whole_form(image) for image in images]
    return np.stack([image if form is None else form for image, form in zip(images, forms, strict=True)])


def fit_model(
    model, split: Split, rng: np.random.Generator, *, epochs: int, batch_size: int, log, progress=None
) -> None:
    """``epochs`` passes over the training images, each drawing its forms and augmentation from
    ``rng``; ``progress`` gets each epoch's figures and may raise to stop the run."""
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
