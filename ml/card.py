"""The model card: what was trained, on which data, how, and how well, beside the model.

The card is the model's own account of itself, read by the site (thresholds,
temperature, the files' sha256) and shown to staff; every figure in it is
measured, and every word about training is made from the values it used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

from ml import calibrate
from ml.augment import DESCRIPTION as AUGMENTATION
from ml.data import Extra, Mnist
from ml.evaluate import Report
from ml.fit import OPTIMIZER, PIPELINE_FORM_SHARE, Split
from ml.handwriting import Handwriting
from ml.model import CARD_NAME


def model_card(
    *,
    version: str,
    created: dt.datetime,
    command: str,
    seconds: float,
    data: Mnist,
    extra: Extra | None,
    handwriting: Handwriting | None,
    files: tuple[Path, Path],
    parameters: int,
    hyperparameters: dict,
    split: Split,
    validation: Report,
    test: Report,
    calibration: calibrate.Calibration | None,
) -> dict:
    """The card of a model trained with ``hyperparameters`` on ``split``, whose ``files``
    (Keras, ONNX) are written."""
    from ml.architecture import CLASSES

    card = {
        "version": version,
        "created": created.isoformat(),
        "training_command": command,
        "training_seconds": round(seconds),
        "data_sha256": data.sha256,
        "extra_data": {"images": len(extra.x), "sha256": extra.sha256} if extra is not None else None,
        "handwriting": None
        if handwriting is None
        else {
            **handwriting.settings,
            "training_images": len(handwriting.train.y),
            "calibration_images": len(handwriting.calibration.y),
        },
        **file_fields(files),
        "parameters": parameters,
        "classes": list(CLASSES),
        "not_a_digit_class": True,
        "input": "28x28 grey, white ink on black, 0..1, MNIST-normalised (20 px box, centred by mass)",
        "hyperparameters": {
            **hyperparameters,
            "validation_size": len(split.x_val),
            "training_size": len(split.x_train),
            "optimizer": OPTIMIZER,
            "augmentation": AUGMENTATION,
            "pipeline_form_share": PIPELINE_FORM_SHARE,
        },
        "validation_accuracy": validation.accuracy,
        "test_accuracy": test.accuracy,
        "test_per_class_accuracy": test.per_class,
    }
    if calibration is not None:
        card.update(calibration_card(calibration))
    return card


def file_fields(files: tuple[Path, Path]) -> dict:
    """The card's names and digests of the model's (Keras, ONNX) files: serving checks the digest."""
    keras_path, onnx_path = files
    return {
        "file": keras_path.name,
        "sha256": _sha256(keras_path),
        "onnx_file": onnx_path.name,
        "onnx_sha256": _sha256(onnx_path),
    }


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


def write_card(card: dict, out_dir: Path, log) -> None:
    """The card beside the model's files, which it names."""
    (out_dir / CARD_NAME).write_text(json.dumps(card, indent=2) + "\n")
    keras_path = out_dir / card["file"]
    log(f"wrote {keras_path} ({keras_path.stat().st_size / 1e6:.2f} MB), {card['onnx_file']} and {CARD_NAME}")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
