"""What a page shows of a stored reading: its percentages, its boxes and labels, its bars.

The reading's pages, History, the admin and the review queue all show readings
through these records and the partials that draw them
(templates/recognizer/boxes.html, box.html and bars.html), so a rule of how a
reading looks is written once. The drawing page's script draws readings in the
browser; it gets the same rules' numbers from script_rules().
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from django import forms

from recognizer.models import Prediction
from recognizer.readings import CLOSE_WITHIN, runner_up

# Places after the point: "97.3%". A value that would read 0.0% or 100.0% is
# written whole (0%, 100%), so nothing looks more exact than it is.
PERCENT_DECIMALS = 1
# The narrowest bar, in % of its track: a dot's worth, so every digit's row shows one.
BAR_MIN_PERCENT = 0.5
# A box whose top is within this share of the picture's height from its top edge
# gets its label inside (above it, the label would leave the picture): pages and script alike.
LABEL_INSIDE_BELOW = 0.1


# What an admin page links to show a stored reading through the partials: their styles, in the
# admin's colours, and the script that puts each label at its place.
ADMIN_MEDIA = forms.Media(css={"all": ["css/reading.css", "css/admin.css"]}, js=["js/place.js"])


def percent(value: float | None) -> str:
    if value is None:
        return ""
    shown = value * 100
    half_a_place = 0.5 / 10**PERCENT_DECIMALS
    places = 0 if shown >= 100 - half_a_place or shown < half_a_place else PERCENT_DECIMALS
    return f"{shown:.{places}f}%"


def script_rules() -> dict[str, float]:
    """The numbers of these rules for the drawing page's script (static/js/draw/display.js)."""
    return {
        "closeWithin": CLOSE_WITHIN,
        "labelInsideBelow": LABEL_INSIDE_BELOW,
        "percentDecimals": PERCENT_DECIMALS,
        "barMinPercent": BAR_MIN_PERCENT,
    }


@dataclass(frozen=True)
class Bar:
    digit: int
    value: float
    top: bool

    @property
    def percent(self) -> str:
        return percent(self.value)

    @property
    def width(self) -> str:
        """The bar's length, a CSS percentage of its track."""
        return f"{max(self.value * 100, BAR_MIN_PERCENT):.2f}%"


@dataclass(frozen=True)
class Placed:
    """A box over a stored picture: in its pixels for the SVG, and its corner as % of it for a label."""

    box: tuple[int, int, int, int]
    left: str
    top: str
    bottom: str  # of the box's lower edge, for a label below it (a line's number)
    label_inside: bool  # a box at the top edge gets its label inside it


def _placed(prediction: Prediction, box) -> Placed:
    x, y, w, h = (int(v) for v in box)
    width, height = max(prediction.width, 1), max(prediction.height, 1)
    return Placed(
        box=(x, y, w, h),
        left=f"{100 * x / width:.3f}%",
        top=f"{100 * y / height:.3f}%",
        bottom=f"{100 * (y + h) / height:.3f}%",
        label_inside=y < LABEL_INSIDE_BELOW * height,
    )


@dataclass(frozen=True)
class DigitShown:
    """One digit of a stored reading: its box, its label and its bars."""

    index: int
    digit: int
    confidence: float
    uncertain: bool
    maybe: int | None  # the runner-up, when it is close (recognizer.readings.runner_up)
    bars: list[Bar]
    place: Placed

    @property
    def confidence_percent(self) -> str:
        return percent(self.confidence)


@dataclass(frozen=True)
class LineShown:
    """One line of a reading of several: its box, with its number below it."""

    index: int
    number: str
    place: Placed


@dataclass(frozen=True)
class MarkShown:
    """A mark left out of the number: drawn apart (dashed, grey, "ignored")."""

    not_digit: float
    place: Placed

    @property
    def not_digit_percent(self) -> str:
        return percent(self.not_digit)


def _bars(probabilities: list[float] | None) -> list[Bar]:
    if not probabilities:
        return []
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return [Bar(digit=i, value=float(p), top=i == best) for i, p in enumerate(probabilities)]


def digits_shown(prediction: Prediction) -> list[DigitShown]:
    return [
        DigitShown(
            index=index + 1,
            digit=int(d["digit"]),
            confidence=float(d["confidence"]),
            uncertain=d["uncertain"],
            maybe=runner_up(d.get("probabilities")),
            bars=_bars(d.get("probabilities")),
            place=_placed(prediction, d["box"]),
        )
        for index, d in enumerate(prediction.digits or [])
    ]


def lines_shown(prediction: Prediction) -> list[LineShown]:
    """Each line's box and number, when there are several lines.

    One line is the whole number, already shown as the reading: its box would
    only frame the digits' own boxes a second time.
    """
    lines = prediction.lines or []
    if len(lines) < 2:
        return []
    return [
        LineShown(index=i + 1, number=line["number"], place=_placed(prediction, line["box"]))
        for i, line in enumerate(lines)
    ]


def marks_shown(prediction: Prediction) -> list[MarkShown]:
    return [
        MarkShown(not_digit=float(m["not_digit"]), place=_placed(prediction, m["box"]))
        for m in prediction.ignored or []
    ]


class ReadingShown(TypedDict):
    """A stored reading as the partials draw it: their context."""

    prediction: Prediction
    digits: list[DigitShown]
    lines: list[LineShown]
    marks: list[MarkShown]


def reading_shown(prediction: Prediction) -> ReadingShown:
    return {
        "prediction": prediction,
        "digits": digits_shown(prediction),
        "lines": lines_shown(prediction),
        "marks": marks_shown(prediction),
    }
