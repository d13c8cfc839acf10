"""What the engine does with other writers' digits and with things that are not digits.

Every picture here goes through ``ml.pipeline.read`` as the site receives it (a
PNG, either polarity), from writers, fonts and shape seeds that the model never
trained on nor was calibrated on (``ml.handwriting``'s test split). Each is
read with ``force=True`` so that a refusal still shows what the model thought;
``Reading.forced`` says whether it would have been refused.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ml import handwriting as hw
from ml.calibrate import expected_calibration_error, reliability
from ml.errors import ImageError
from ml.model import NOT_A_DIGIT, DigitModel
from ml.non_digits import synthetic_non_digits
from ml.pipeline import read

SEED = 7
RENDERS = 2  # each held-out trajectory drawn this many times
NON_DIGITS = 2000  # synthetic letters, symbols and shapes in the held-out fonts and seeds
REFUSED = 10  # the answer "not a digit", as a column of the confusion matrix


@dataclass(frozen=True)
class Answer:
    source: str
    label: int  # 0-9, or NOT_A_DIGIT
    digit: int  # the digit the model would name (forced past a refusal)
    confidence: float
    uncertain: bool
    refused: bool
    refused_as_number: bool | None = None  # a non-digit read with multi=True: refused too?

    @property
    def answer(self) -> int:
        return REFUSED if self.refused else self.digit

    @property
    def right(self) -> bool:
        return self.label == self.digit


def _png(grey: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", grey)
    assert ok
    return encoded.tobytes()


def _pictures(root: Path, rng: np.random.Generator, per_set: int | None) -> Iterator[tuple[str, int, np.ndarray]]:
    for loader in hw.LOADERS.values():
        for item in itertools.islice(loader(root, "test"), per_set):
            for _ in range(RENDERS if item.strokes is not None else 1):
                yield item.source, item.label, hw.picture(item, rng)
    for image, source in synthetic_non_digits("test", NON_DIGITS if per_set is None else min(per_set, NON_DIGITS)):
        yield source, NOT_A_DIGIT, image


def answers(model: DigitModel, root: Path, per_set: int | None = None) -> list[Answer]:
    """Every held-out picture, read (or the first ``per_set`` of each set, for a quick comparison)."""
    rng = np.random.default_rng(SEED)
    out = []
    for source, label, ink in _pictures(root, rng, per_set):
        grey = ink if rng.uniform() < 0.5 else 255 - ink
        try:
            reading = read(_png(grey), multi=False, model=model, force=True)
        except ImageError:  # nothing the pipeline calls ink: a refusal too
            out.append(Answer(source, label, -1, 0.0, True, True))
            continue
        d = reading.digits[0]
        as_number = _refused_as_number(_png(grey), model) if label == NOT_A_DIGIT else None
        out.append(Answer(source, label, d.digit, d.confidence, d.uncertain, reading.forced, as_number))
    return out


def _refused_as_number(data: bytes, model: DigitModel) -> bool:
    """Whether a reading as a number (multi=True) refuses it too, rather than finding digits in it."""
    try:
        read(data, multi=True, model=model)
    except ImageError:
        return True
    return False


@dataclass(frozen=True)
class SetFigures:
    source: str
    pictures: int
    digits: bool
    accuracy: float | None  # right and not refused
    refused: float
    refused_as_number: float | None  # non-digits: also refused when read as a number
    right_unflagged: float | None  # of right readings: accepted and not flagged
    wrong_warned: float | None  # of wrong readings: flagged or refused
    ece: float | None


def figures(source: str, group: list[Answer]) -> SetFigures:
    digits = all(a.label != NOT_A_DIGIT for a in group)
    refused = float(np.mean([a.refused for a in group]))
    if not digits:
        as_number = float(np.mean([bool(a.refused_as_number) for a in group]))
        return SetFigures(source, len(group), False, None, refused, as_number, None, None, None)
    right = [a for a in group if a.right]
    wrong = [a for a in group if not a.right]
    return SetFigures(
        source,
        len(group),
        True,
        accuracy=float(np.mean([a.right and not a.refused for a in group])),
        refused=refused,
        refused_as_number=None,
        right_unflagged=float(np.mean([not a.uncertain and not a.refused for a in right])) if right else None,
        wrong_warned=float(np.mean([a.uncertain or a.refused for a in wrong])) if wrong else None,
        ece=expected_calibration_error(np.array([a.confidence for a in group]), np.array([a.right for a in group])),
    )


def by_source(all_answers: list[Answer]) -> list[SetFigures]:
    sources = sorted(
        {a.source for a in all_answers},
        key=lambda s: (all(a.label == NOT_A_DIGIT for a in all_answers if a.source == s), s),
    )
    rows = [figures(s, [a for a in all_answers if a.source == s]) for s in sources]
    real = [a for a in all_answers if a.label != NOT_A_DIGIT]
    fake = [a for a in all_answers if a.label == NOT_A_DIGIT]
    return [*rows, figures("all other writers' digits", real), figures("all non-digits", fake)]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1%}"


def table(rows: list[SetFigures]) -> str:
    lines = [
        "| held-out set | pictures | read right | refused | refused, read as a number "
        "| right ones accepted unflagged | wrong ones flagged or refused | ECE |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.source} | {r.pictures} | {_percent(r.accuracy)} | {_percent(r.refused)} | "
            f"{_percent(r.refused_as_number)} | "
            f"{_percent(r.right_unflagged)} | {_percent(r.wrong_warned)} | "
            f"{'' if r.ece is None else f'{r.ece:.3f}'} |"
        )
    return "\n".join(lines)


def mnist_through_pipeline(model: DigitModel, images: np.ndarray, labels: np.ndarray) -> tuple[float, int]:
    """Each MNIST test digit sent as a PNG picture, as a client would: share read right, and refusals."""
    right = refused = 0
    for image, label in zip(images, labels, strict=True):
        try:
            right += read(_png(image), multi=False, model=model).digit == label
        except ImageError:
            refused += 1
    return right / len(labels), refused


def confusion_png(all_answers: list[Answer], path: Path) -> None:
    """Rows: the truth (0-9, not a digit); columns: the answer (0-9, refused); shares of each row."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    counts = np.zeros((11, 11), int)
    for a in all_answers:
        counts[a.label, a.answer] += 1
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    names = [str(d) for d in range(10)]
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    for (i, j), value in np.ndenumerate(counts):
        if value:
            ax.text(
                j, i, str(value), ha="center", va="center", fontsize=7, color="white" if shares[i, j] > 0.5 else "black"
            )
    ax.set_xticks(range(11), [*names, "refused"], rotation=45)
    ax.set_yticks(range(11), [*names, "not a digit"])
    ax.set_xlabel("answer")
    ax.set_ylabel("truth")
    ax.set_title(f"Held-out writers and non-digits ({len(all_answers)} pictures)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def reliability_png(all_answers: list[Answer], path: Path) -> None:
    """How sure against how often right, over all held-out real digits (10 bins, counts shown)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    real = [a for a in all_answers if a.label != NOT_A_DIGIT]
    confidence = np.array([a.confidence for a in real])
    right = np.array([a.right for a in real])
    points = reliability(confidence, right, bins=10)
    fig, ax = plt.subplots(figsize=(6, 6), dpi=110)
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfectly honest")
    ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label="the engine")
    for mean, share, count in points:
        ax.annotate(str(count), (mean, share), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)
    ax.set_xlabel("confidence shown")
    ax.set_ylabel("share read right")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper left")
    ece = expected_calibration_error(confidence, right)
    ax.set_title(f"Reliability on {len(real)} held-out digits (ECE {ece:.3f}; counts per bin)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def figures_written(all_answers: list[Answer], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "confusion.png", folder / "reliability.png"]
    confusion_png(all_answers, paths[0])
    reliability_png(all_answers, paths[1])
    return paths
