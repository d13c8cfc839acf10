"""The gate's figures as a person reads them: a row per test, and each digit's accuracy side by side."""

from __future__ import annotations

from dataclasses import dataclass

from learning.models import ModelVersion
from learning.services import Measure, gate_measures


@dataclass(frozen=True)
class Row:
    label: str
    candidate: str
    serving: str
    difference: str
    worse: bool  # beyond the margin: the gate refuses


@dataclass(frozen=True)
class ClassBars:
    """One digit's MNIST accuracy for both, as bar lengths in % of the chart's width (an SVG's)."""

    digit: str
    candidate: float
    serving: float
    candidate_width: float
    serving_width: float
    top: int  # of its row in the chart, in px (ROW high)


ROW = 14  # px per digit in the chart


def _shown(m: Measure, value: float | None) -> str:
    if value is None:
        return "not measured"
    return f"{value:.2%}" if m.key.endswith(("accuracy", "refused")) else f"{value:.3f}"


def comparison_rows(version: ModelVersion) -> list[Row]:
    evaluation = version.evaluation or {}
    ours, theirs = evaluation.get("candidate", {}), evaluation.get("serving", {})
    rows = []
    for m in gate_measures():
        a, b = ours.get(m.key), theirs.get(m.key)
        if a is None or b is None:
            rows.append(Row(m.label, _shown(m, a), _shown(m, b), "", False))
            continue
        difference = a - b
        shown = f"{difference:+.2%}" if m.key.endswith(("accuracy", "refused")) else f"{difference:+.3f}"
        rows.append(Row(m.label, _shown(m, a), _shown(m, b), shown, m.refuses(a, b)))
    return rows


def class_bars(version: ModelVersion, lowest: float = 0.9) -> list[ClassBars]:
    """Each digit's accuracy, the bars starting at ``lowest`` so that the differences show."""
    evaluation = version.evaluation or {}
    ours = evaluation.get("candidate", {}).get("mnist_per_class", {})
    theirs = evaluation.get("serving", {}).get("mnist_per_class", {})

    def width(value: float) -> float:
        return round(max(0.0, (value - lowest) / (1 - lowest)) * 100, 2)

    digits = [d for d in sorted(ours) if d in theirs]
    return [
        ClassBars(d, ours[d], theirs[d], width(ours[d]), width(theirs[d]), top=i * ROW) for i, d in enumerate(digits)
    ]
