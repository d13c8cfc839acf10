"""How sure the model is, made honest: a temperature and two thresholds chosen from data.

A network trained to low loss says "100%" on nearly everything, including its
mistakes. Temperature scaling (Guo et al., 2017) divides the logits by one
number fitted on held-out data; it changes no answer, only how sure each one
is. The "uncertain" and "not a digit" thresholds are then chosen on the same
held-out data for stated goals, not by hand. All of it is fitted on writers the
model never trained on (``ml.handwriting``'s calibration split), and measured
by ``make bench`` on others again.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml.model import NOT_A_DIGIT, calibrate

# The goals the thresholds are chosen for.
MAX_RIGHT_FLAGGED = 0.05  # at most this share of right readings flagged "not sure"
WRONG_FLAGGED = 0.9  # flagging this share of wrong readings is enough (the goal is 70%: a wide margin,
# since the calibration split holds few wrong readings and other writers than the test split)
MAX_DIGITS_REFUSED = 0.01  # at most this share of real digits refused as "not a digit"
ECE_BINS = 15


def fit_temperature(raw: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of the labels."""

    def nll(t: float) -> float:
        p = calibrate(raw, t)
        return float(-np.mean(np.log(np.maximum(p[np.arange(len(labels)), labels], 1e-30))))

    grid = np.exp(np.linspace(np.log(0.25), np.log(10), 80))
    best = grid[int(np.argmin([nll(t) for t in grid]))]
    fine = best * np.exp(np.linspace(-0.05, 0.05, 21))
    return float(fine[int(np.argmin([nll(t) for t in fine]))])


@dataclass(frozen=True)
class Judged:
    """Each picture as the pipeline would answer it."""

    digit: np.ndarray  # the digit named (argmax over 0-9)
    confidence: np.ndarray  # its probability, not-a-digit mass included
    not_digit: np.ndarray  # probability of "not a digit" (0 for a 10-class model)


def judge(p: np.ndarray) -> Judged:
    not_digit = p[:, NOT_A_DIGIT] if p.shape[1] > NOT_A_DIGIT else np.zeros(len(p))
    digits = p[:, :NOT_A_DIGIT]
    digit = np.argmax(digits, axis=1)
    return Judged(digit=digit, confidence=digits[np.arange(len(p)), digit], not_digit=not_digit)


def choose_refuse_at(not_digit_of_digits: np.ndarray) -> float:
    """The lowest "not a digit" level that refuses at most MAX_DIGITS_REFUSED of real digits.

    The lowest such level refuses the most non-digits; it never goes below 0.5,
    where "not a digit" is the likelier answer anyway.
    """
    if not len(not_digit_of_digits):
        return 0.5
    level = float(np.quantile(not_digit_of_digits, 1 - MAX_DIGITS_REFUSED, method="higher"))
    return float(np.clip(np.nextafter(level, 1.0), 0.5, 0.99))


def choose_uncertain_below(confidence: np.ndarray, right: np.ndarray) -> float:
    """The confidence below which a reading is flagged "not sure".

    As high as flagging at most MAX_RIGHT_FLAGGED of right readings allows, but
    no higher than flagging WRONG_FLAGGED of wrong ones needs: each right
    reading flagged beyond that is a person told "not sure" for nothing.
    """
    if not right.any():
        return 0.8
    limit = float(np.quantile(confidence[right], MAX_RIGHT_FLAGGED, method="lower"))
    if right.all():
        return limit
    # Just above the k-th least sure wrong reading flags k of them: the fewest that make WRONG_FLAGGED.
    wrong = np.sort(confidence[~right])
    enough = float(np.nextafter(wrong[math.ceil(WRONG_FLAGGED * len(wrong)) - 1], 1.0))
    return min(limit, enough)


def expected_calibration_error(confidence: np.ndarray, right: np.ndarray, bins: int = ECE_BINS) -> float:
    """Mean gap between how sure and how often right, over equal-width confidence bins, weighted by size."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    gap = 0.0
    for b in range(bins):
        inside = which == b
        if inside.any():
            gap += inside.mean() * abs(confidence[inside].mean() - right[inside].mean())
    return float(gap)


def reliability(confidence: np.ndarray, right: np.ndarray, bins: int = ECE_BINS) -> list[tuple[float, float, int]]:
    """(mean confidence, share right, count) per non-empty bin: the reliability diagram's points."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    return [
        (float(confidence[which == b].mean()), float(right[which == b].mean()), int((which == b).sum()))
        for b in range(bins)
        if (which == b).any()
    ]


@dataclass(frozen=True)
class Calibration:
    temperature: float
    uncertain_below: float
    refuse_at: float
    figures: dict  # what the choice achieved on the calibration data


def fit(raw: np.ndarray, labels: np.ndarray) -> Calibration:
    """Temperature and thresholds from the raw softmax of held-out pictures (labels 0-9 or NOT_A_DIGIT)."""
    temperature = fit_temperature(raw, labels)
    p = calibrate(raw, temperature)
    seen = judge(p)
    is_digit = labels < NOT_A_DIGIT
    refuse_at = choose_refuse_at(seen.not_digit[is_digit]) if p.shape[1] > NOT_A_DIGIT else 1.0
    accepted = is_digit & (seen.not_digit < refuse_at)
    right = seen.digit == labels
    uncertain_below = choose_uncertain_below(seen.confidence[accepted], right[accepted])
    flagged = seen.confidence < uncertain_below
    before = judge(calibrate(raw, 1.0))
    figures = {
        "pictures": len(labels),
        "digits": int(is_digit.sum()),
        "non_digits": int((~is_digit).sum()),
        "digits_refused": float((seen.not_digit[is_digit] >= refuse_at).mean()) if is_digit.any() else None,
        "non_digits_refused": float((seen.not_digit[~is_digit] >= refuse_at).mean()) if (~is_digit).any() else None,
        "right_flagged": float(flagged[accepted & right].mean()) if (accepted & right).any() else None,
        "wrong_flagged": float(flagged[accepted & ~right].mean()) if (accepted & ~right).any() else None,
        "ece_before": expected_calibration_error(before.confidence[is_digit], (before.digit == labels)[is_digit]),
        "ece_after": expected_calibration_error(seen.confidence[is_digit], right[is_digit]),
    }
    return Calibration(temperature=temperature, uncertain_below=uncertain_below, refuse_at=refuse_at, figures=figures)


def recalibrate(artifacts: Path, root: Path, cache: Path | None) -> dict:
    """Fit the temperature and thresholds of a trained model again, and write them into its card.

    For a model whose calibration rules changed after it was trained: the
    weights and files stay as they are, and so does everything else the card says.
    """
    from ml.card import calibration_card
    from ml.handwriting import load
    from ml.model import CARD_NAME, load_model
    from ml.train import CALIBRATION_SETTINGS

    model = load_model(artifacts)
    images = load(root, "calibration", cache=cache, **CALIBRATION_SETTINGS)
    fitted = fit(model.predict_raw(images.x.astype(np.float32) / 255.0), images.y.astype(int))
    card = {**model.card, **calibration_card(fitted)}
    (artifacts / CARD_NAME).write_text(json.dumps(card, indent=2) + "\n")
    return card


def main(argv: list[str] | None = None) -> dict:
    from ml.handwriting import DEFAULT_ROOT
    from ml.model import ARTIFACTS_DIR

    parser = argparse.ArgumentParser(description="Fit a trained model's temperature and thresholds again.")
    parser.add_argument("--artifacts", type=Path, default=ARTIFACTS_DIR)
    parser.add_argument("--handwriting", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--cache", type=Path, default=Path(".cache"))
    args = parser.parse_args(argv)
    card = recalibrate(args.artifacts, args.handwriting, args.cache)
    print(json.dumps({"calibration": card["calibration"], "thresholds": card["thresholds"]}, indent=2))
    return card


if __name__ == "__main__":
    main()
