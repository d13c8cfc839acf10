"""Accuracy reports: overall, per class, and the confusion matrix."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Report:
    accuracy: float
    per_class: dict[str, float]
    confusion: np.ndarray  # rows: true digit, columns: predicted digit (an 11th: "not a digit")

    def format(self) -> str:
        lines = [
            f"accuracy: {self.accuracy:.4%} on {int(self.confusion.sum())} images",
            "",
            "confusion matrix (rows: true, columns: predicted; x: not a digit)",
            "     " + "".join(f"{d:>6}" for d in [*range(10), "x"][: self.confusion.shape[1]]),
        ]
        for d, row in enumerate(self.confusion):
            lines.append(f"{d:>3}  " + "".join(f"{v:>6}" for v in row) + f"   {self.per_class[str(d)]:.2%}")
        return "\n".join(lines)


def report(y_true: np.ndarray, y_pred: np.ndarray) -> Report:
    """Digits named against the truth; a prediction of 10 ("not a digit") counts as wrong."""
    confusion = np.zeros((10, 11), dtype=np.int64)
    np.add.at(confusion, (y_true.astype(int), y_pred.astype(int)), 1)
    totals = confusion.sum(axis=1)
    per_class = {str(d): float(confusion[d, d] / totals[d]) if totals[d] else 0.0 for d in range(10)}
    return Report(float(np.mean(y_true == y_pred)), per_class, confusion)


def evaluate_model(predict, images: np.ndarray, labels: np.ndarray, batch_size: int = 512) -> Report:
    """Evaluate any ``predict((n, 28, 28) float32) -> (n, 10 or 11)`` callable on uint8 images."""
    preds = [
        np.argmax(predict(images[i : i + batch_size].astype(np.float32) / 255.0), axis=1)
        for i in range(0, len(images), batch_size)
    ]
    return report(labels, np.concatenate(preds))


def main(argv: list[str] | None = None) -> Report:
    from ml.data import load_mnist
    from ml.model import load_model

    parser = argparse.ArgumentParser(description="Evaluate the committed model on the MNIST test split.")
    parser.add_argument("--data", help="folder of MNIST IDX files or an .npz (default: Keras' downloader)")
    args = parser.parse_args(argv)
    data = load_mnist(args.data)
    model = load_model()
    result = evaluate_model(model.predict, data.x_test, data.y_test)
    print(f"model {model.version}")
    print(result.format())
    return result


if __name__ == "__main__":
    main()
