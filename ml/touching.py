"""Digits that touch each other, cut apart where the model is surest of the parts.

Touching digits are one component. With a scorer (what the model makes of a
mask), a component wider than the line's typical digit, or as wide as one but
doubted whole by the model, is searched for the digits in it: candidate cuts
(ml.cuts) run where the ink is thinnest; every part between two cuts that could
be a digit is scored in one call, and the best path of parts from the left edge
to the right (2 to MAX_PARTS of them, so three or four digits in one blob are
cut at once) is kept if it beats no cut at all. A path is only taken when the
scorer is sure of every part, or nearly sure of all and very sure on the whole,
or (when neither is found) fairly sure of parts none of which is a 1; a letter's
strokes, which the model reads as 1s, are kept from passing for a number of 1s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ml.cuts import candidate_cuts, slant_of
from ml.groups import Group, Segment, own_pixels
from ml.ink import Ink, bounding_box
from ml.mnist_form import stroke_width

# A group wider than SPLIT_WIDTH times the line's median digit height may be several digits
# (99% of benchmarks.synth's digits are at most 0.93 of their height wide; a touching "17"
# can be 0.6: 0.6 or 0.7 read 1 number in 300 more and passed 5 letters in 2134 more). Paths
# of parts are compared by their mean log-odds (see _part_value), less SPLIT_PRIOR per extra
# part. Constants were chosen on benchmarks.synth's touching pictures (seed 1, 300) and the
# held-out non-digits, then checked on lines, pages and marks.
SPLIT_WIDTH = 0.8
# A group no wider than SURE_WIDTH of the line's digit height (one digit can be that
# wide) is only cut when the model is less than WHOLE_SURE sure of it whole: 11% of
# single canvas digits are wider than SPLIT_WIDTH, none of them read below 0.999, and
# 88% of lone touching digits do. A one-digit picture then costs one model call more at
# most, not a search.
SURE_WIDTH = 1.1
WHOLE_SURE = 0.999
# A narrower group is still cut when the model would not pass it whole as a sure digit, if
# it is at least NARROW line heights wide: a "12" or a "50" written close is no wider than
# many digits (touching pictures, seed 7: 62.7% -> 68.7%; non-digits refused 87.8% -> 87.6%).
NARROW = 0.5
SPLIT_PRIOR = 0.2  # in log-odds, per extra part
# A path is taken when the scorer is sure of every part (the pipeline passes the model's
# own "uncertain" threshold, else PART_SURE): a star or a letter cut in two is not two
# digits, however much surer of its halves the model is than of the whole...
PART_SURE = 0.9
# ...or when it is at least WEAK_PART sure of each and the parts' mean log-odds reach
# STRONG_PATH (p = 0.982): a cut through crossing strokes can leave one part, the rest
# of them plain digits, looking less like a digit.
WEAK_PART = 0.2
STRONG_PATH = 4.0
# ...or, when neither found a path, with no 1 among them (the letters' way in), at least
# LOOSE_PART sure of each and LOOSE_PATH (p = 0.92) on the whole: crossing strokes can leave
# a "62" doubted whole and in each part (touching pictures, seed 1: 68.7% -> 70.0%; 3
# non-digits in 1000 more passed). Its number always shows as not sure.
LOOSE_PART = 0.4
LOOSE_PATH = 2.5
# Any stroke of a letter looks like a 1 to the model (an M, an N, a W cut into 1s at
# 0.95-0.98, an "e" into a 1 and a 2): where the scorer says which digit it sees, a path
# with several 1s needs each of them this sure, and a path with one 1 less sure than that
# needs STRONG_PATH on the whole. Asked of every 1, it refused 11 in 300 touching numbers.
ONE_SURE = 0.99
MAX_LOGIT = 9.0  # p = 0.9999: beyond it, surer means nothing
DIGIT_WIDTH = 0.9  # a part wider than this many line heights is probably still two digits...
WIDTH_PENALTY = 4.0  # ...and costs this many log-odds per line height beyond it
MAX_PARTS = 6  # a group is cut into at most this many digits...
TWO_WIDTH = 0.95  # ...and into two when no wider than this many line heights
MAX_PART_WIDTH = 1.0  # no part wider than this many line heights is tried (1.3 read no more)
MIN_STROKES = 3.0  # a piece less tall than this many of its stroke widths is a blot, never cut
PEN_PART = 0.7  # no part narrower than this many of the piece's stroke widths (slivers of a blot)
STROKE_PART = 0.4  # a part at most this many of its own heights wide is a stroke (a 1 to the model)...
BACK_LEAN = 0.3  # ...and no digit if it leans back more than this many columns a row: an N's, M's, W's
# Each part holds at least this share of the ink (less in pieces wider than SPLIT_WIDTH: a 1
# in four touching digits is small)...
MIN_PART_INK = 0.1
# ...and is this fraction of the group's height: a cut shaving a 6's top leaves a "1"
MIN_PART_HEIGHT = 0.7
# Where strokes cross, a cut gives the ink to one side, and the other digit loses a stroke
# (a 0 without its side reads 6). So every part is also tried with OVERLAP stroke widths of
# its neighbours' ink past each cut, at OVERLAP_COST log-odds (free, an "8" read "63").
# Touching pictures, seed 2024, 100: 63% -> 71%; seed 1, 300: 70.0% -> 74.3%; seed 7, 300:
# 71.3% -> 76.3%; 6 non-digits in 2134 more passed. Touching numbers take twice as long.
OVERLAP = 0.75
OVERLAP_COST = 0.5


# What the model makes of masks: per mask, the sureness (0..1) that it is a digit, or its
# probabilities, the ten digits' first (then the digit it sees counts too).
Score = Callable[[list[np.ndarray]], np.ndarray]


@dataclass
class _Piece:
    """A group's own pixels, or part of them, at working resolution."""

    left: int
    top: int
    mask: np.ndarray  # uint8 0/1, cropped to its ink
    overlaps: bool = False  # holds ink past its cuts that its neighbours hold too

    def cropped(self) -> _Piece:
        x, y, w, h = bounding_box(self.mask)
        return _Piece(self.left + x, self.top + y, self.mask[y : y + h, x : x + w], self.overlaps)


def split_touching(ink: Ink, groups: list[Group], score: Score, sure: float) -> list[Segment]:
    """The line's segments, groups wider than its digits (or doubted whole) cut where the model is surest."""
    tallest = max(g.height for g in groups)
    digits = [not g.is_dash(tallest) and not g.is_dot(tallest) for g in groups]
    heights = [g.height for g, digit in zip(groups, digits, strict=True) if digit]
    height = float(np.median(heights)) if heights else float(tallest)
    pieces = [[_Piece(g.left, g.top, own_pixels(ink, g))] for g in groups]
    todo = [i for i, (g, digit) in enumerate(zip(groups, digits, strict=True)) if digit and g.width > NARROW * height]
    # a group that could be one wide digit is cut only if the model doubts it is one, and
    # one no wider than most digits only if it would not pass for a sure digit
    known: dict[int, float] = {}
    maybe = [i for i in todo if groups[i].width <= SURE_WIDTH * height]
    if maybe:
        known = dict(zip(maybe, _judge(score, [pieces[i][0].mask for i in maybe])[0], strict=True))
    todo = [i for i in todo if known.get(i, 0.0) < (WHOLE_SURE if groups[i].width > SPLIT_WIDTH * height else sure)]
    if todo:
        splits = _best_splits([pieces[i][0] for i in todo], [known.get(i) for i in todo], height, score, sure)
        for i, parts in zip(todo, splits, strict=True):
            pieces[i] = parts
    return [
        Segment(box=ink.to_original((p.left, p.top, p.mask.shape[1], p.mask.shape[0])), mask=p.mask)
        for line in pieces
        for p in line
    ]


@dataclass
class _Lattice:
    """The ways to cut one piece: cuts ordered left to right (the piece's two edges first and
    last), and the parts between two cuts that could be a digit."""

    piece: _Piece
    nodes: int
    edges: list[tuple[int, int, _Piece]]  # (from cut, to cut, the ink between them)


def _best_splits(
    pieces: list[_Piece], whole: list[float | None], height: float, score: Score, sure: float
) -> list[list[_Piece]]:
    """For each piece, itself or the parts along the cuts the scorer is surest of, all parts
    scored in one call: the best path through each piece's lattice of cuts."""
    lattices = [_lattice(piece, height) for piece in pieces]
    unknown = [piece.mask for piece, value in zip(pieces, whole, strict=True) if value is None]
    masks = unknown + [part.mask for lattice in lattices for _, _, part in lattice.edges]
    sureness, digits = _judge(score, masks)
    answers = iter(zip(sureness, digits, strict=True))
    sure_of_whole = [next(answers)[0] if value is None else value for value in whole]
    return [
        _best_path(lattice, whole_sure, [next(answers) for _ in lattice.edges], height, sure)
        for lattice, whole_sure in zip(lattices, sure_of_whole, strict=True)
    ]


def _judge(score: Score, masks: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The scorer's sureness of each mask, and the digit it sees (-1 where it does not say)."""
    if not masks:
        return np.zeros(0), np.zeros(0, np.int64)
    answer = np.asarray(score(masks), dtype=np.float64)
    if answer.ndim == 1:
        return answer, np.full(len(answer), -1)
    return answer[:, :10].max(axis=1), answer[:, :10].argmax(axis=1)


def _best_path(
    lattice: _Lattice, whole_sure: float, answers: list[tuple[float, int]], height: float, sure: float
) -> list[_Piece]:
    """The piece whole, or the parts of the best path from its left edge to its right edge
    (judged as ``_part_value`` says): through parts the scorer is at least ``sure`` of, or
    through parts it is at least WEAK_PART sure of, if the path is on the whole as sure as
    STRONG_PATH (a cut through crossing strokes can leave one part looking less like a digit),
    or failing both, through parts LOOSE_PART sure of, none a 1, as sure as LOOSE_PATH.
    A 1 less than ONE_SURE needs a STRONG_PATH, and several 1s in one path must each be
    ONE_SURE: the strokes of an M, an N or a W are 1s too."""
    choice, chosen_value = [lattice.piece], _part_value(lattice.piece, whole_sure, height)
    passes = ((sure, -np.inf, False), (WEAK_PART, STRONG_PATH, False), (LOOSE_PART, LOOSE_PATH, True))
    for least, strong, loose in passes:
        if loose and len(choice) > 1:
            break
        edges = [
            _Edge(i, j, part, _part_value(part, p, height), p, digit)
            for (i, j, part), (p, digit) in zip(lattice.edges, answers, strict=True)
            if p >= least and not (loose and digit in (-1, 1))  # -1: which digit is not said
        ]
        strict = [e for e in edges if e.digit != 1 or e.sureness >= ONE_SURE]
        for path in _paths(edges, lattice.nodes) + _paths(strict, lattice.nodes):
            ones = [e.sureness for e in path if e.digit == 1]
            doubtful_one = bool(ones) and min(ones) < ONE_SURE
            if len(ones) > 1 and doubtful_one:
                continue
            mean = sum(e.value for e in path) / len(path)
            value = mean - SPLIT_PRIOR * (len(path) - 1)
            if mean >= (max(strong, STRONG_PATH) if doubtful_one else strong) and value > chosen_value:
                choice, chosen_value = [e.part for e in path], value
    return choice


@dataclass(frozen=True)
class _Edge:
    """A part of a piece between two cuts, and how good a digit the scorer finds it."""

    left: int  # the cuts, by their index in the lattice
    right: int
    part: _Piece
    value: float  # see _part_value
    sureness: float
    digit: int  # -1: the scorer does not say


def _paths(edges: list[_Edge], nodes: int) -> list[list[_Edge]]:
    """For each number of parts (2 to MAX_PARTS), the path of that many edges from the first
    node to the last with the greatest sum of values."""
    most = min(MAX_PARTS, nodes - 1)
    # best[k][j]: the greatest sum of part values over paths of k parts from the left edge to cut j
    best = np.full((most + 1, nodes), -np.inf)
    came: dict[tuple[int, int], _Edge] = {}
    best[0, 0] = 0.0
    for edge in sorted(edges, key=lambda e: e.left):  # every path into a cut is known before it is left
        for k in range(1, most + 1):
            if best[k - 1, edge.left] + edge.value > best[k, edge.right]:
                best[k, edge.right] = best[k - 1, edge.left] + edge.value
                came[(k, edge.right)] = edge
    found = []
    for count in range(2, most + 1):
        if np.isfinite(best[count, nodes - 1]):
            path, j = [], nodes - 1
            for k in range(count, 0, -1):
                path.append(came[(k, j)])
                j = path[-1].left
            found.append(path[::-1])
    return found


def _part_value(part: _Piece, sureness: float, height: float) -> float:
    """How good a part is: its log-odds of being the digit the model says (the model's
    probabilities crowd near 1), less a penalty if it is wider than one digit can be or
    holds its neighbours' ink."""
    p = min(max(sureness, 1e-6), 1 - 1e-6)
    excess = max(0.0, part.mask.shape[1] / height - DIGIT_WIDTH)
    shared = OVERLAP_COST if part.overlaps else 0.0
    return min(float(np.log(p / (1 - p))), MAX_LOGIT) - WIDTH_PENALTY * excess - shared


def _lattice(piece: _Piece, height: float) -> _Lattice:
    """The piece's candidate cuts, and every part between two of them (as cut, and reaching
    OVERLAP past them) that does not cross itself, holds enough ink, is nearly as tall as the
    piece and no wider than a digit."""
    mask = piece.mask
    rows, width = mask.shape
    pen = stroke_width(mask)
    if rows < MIN_STROKES * pen:  # a blot, not strokes: no digits in it
        return _Lattice(piece, 2, [])
    nodes = [np.zeros(rows, np.int64), *candidate_cuts(mask, height), np.full(rows, width, np.int64)]
    least = MIN_PART_INK * int(mask.sum()) * min(1.0, SPLIT_WIDTH * height / width)
    last = len(nodes) - 1
    two = width <= TWO_WIDTH * height  # hardly wider than one digit: two parts at most (a quicker search)
    reach = round(OVERLAP * pen)
    edges = []
    for i, lo in enumerate(nodes):
        for j in range(i + 1, len(nodes)):
            hi = nodes[j]
            if (i, j) == (0, last) or (two and i != 0 and j != last) or np.any(hi < lo):
                continue
            if float(np.mean(hi - lo)) > MAX_PART_WIDTH * height:
                break  # the cuts are ordered: the ones further right are wider still
            cut = _between(piece, lo, hi, overlaps=False)
            wide = _between(
                piece, np.maximum(lo - reach * (i > 0), 0), np.minimum(hi + reach * (j < last), width), overlaps=True
            )
            for part in (cut, wide) if wide.mask.sum() > cut.mask.sum() else (cut,):
                if part.mask.sum() >= least and _could_be_digit(part.mask, rows, pen, height):
                    edges.append((i, j, part))
    return _Lattice(piece, len(nodes), edges)


def _between(piece: _Piece, lo: np.ndarray, hi: np.ndarray, *, overlaps: bool) -> _Piece:
    """The piece's ink between two cuts (a column per row each), cropped."""
    left, right = int(lo.min()), int(hi.max())
    column = np.arange(left, right)[None, :]
    band = (column >= lo[:, None]) & (column < hi[:, None])
    part = _Piece(piece.left + left, piece.top, (piece.mask[:, left:right] * band).astype(np.uint8), overlaps)
    return part.cropped() if part.mask.any() else part


def _could_be_digit(part: np.ndarray, rows: int, pen: float, height: float) -> bool:
    """Nearly as tall as the piece, no thinner than a stroke nor wider than a digit, and not
    a stroke leaning back."""
    h, w = part.shape
    if h < MIN_PART_HEIGHT * rows or not PEN_PART * pen <= w <= MAX_PART_WIDTH * height:
        return False
    return not (w <= STROKE_PART * h and slant_of(part) > BACK_LEAN)
