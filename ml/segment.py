"""Splitting a picture's ink into lines of digits.

A digit is one or more connected components of the ink: most digits are drawn
in one stroke, but a 5's top bar, a 7's crossbar, a 4 in two strokes or a loop
that did not quite close are separate components that sit above or below the
rest of their digit. Neighbouring digits, on the other hand, sit side by side.

Lines come first (``lines``): components whose vertical extents overlap by
half the smaller one's height belong to one line, transitively, so a slanted
line that drifts up or down stays one line (components far apart sideways must
overlap more: the ends of two slanted lines can overlap a little). Only digit-sized components (the
"seeds", at least SEED_HEIGHT of the typical digit's height) define lines;
smaller marks (a 5's bar, half of a broken 8, a dash, a colon's dots, a comma)
join the line they sit in or nearest to, within MARK_REACH of its digits'
height. Marks too far from every line are lines of their own (a line written
smaller than the others), found the same way among themselves.

Within a line (``split`` is one line), components whose horizontal extents
overlap substantially are merged; a flat dash near the top or bottom of the
group it overlaps most is part of it (a slanted 5's bar can stick out past its
body), but a dash at mid height is a mark of its own (the "-" in "12-34"), and
so is a dot: neither is ever merged into a digit, so that the model can refuse
them. The groups, ordered left to right, are the digits.

Digits that touch each other are one component. With a scorer (what the model
makes of a mask), a component much wider than the line's typical digit is
searched for the digits in it: candidate cuts run where the ink is thinnest
(the columns with least ink, and the cheapest paths down and up through it,
both upright and once the group is sheared upright by its slant); every part
between two cuts that could be a digit is scored in one call, and the best
path of parts from the left edge to the right (2 to MAX_PARTS of them, so three
or four digits in one blob are cut at once) is kept if it beats no cut at all.
A path is only taken when the scorer is sure of every part, or nearly sure of
all and very sure on the whole; a letter's strokes, which the model reads as
1s, are kept from passing for a number of 1s.

Components come from the ink's outlines (``Ink.outlines``, found once by
``extract_ink``): the same components connectedComponentsWithStats would label,
at a tenth of its cost in this OpenCV build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ml.preprocess import Ink, bounding_box, stroke_width

# Two groups of components belong to one digit when their horizontal extents
# overlap by at least this fraction of the narrower one's width.
MERGE_OVERLAP = 0.5
# A group wider than high and lower than this fraction of the tallest group is
# a dash: part of a digit (when near its top or bottom), never a digit of its own.
DASH_HEIGHT = 0.4
# A dash whose middle lies between these fractions of its host's height (from the
# top) is a mark between digits ("12-34"), not a 5's bar or a 1's foot.
DASH_MID_BAND = (0.3, 0.8)
# A group no longer than this fraction of the tallest, and not flat, is a dot
# (a full stop, a colon's dot, a comma): never merged into a digit.
DOT_SIZE = 0.3

# Lines: a component is a seed (defines a line) when at least SEED_HEIGHT of the
# typical digit height, the median height of the components at least half as
# tall as the tallest.
SEED_HEIGHT = 0.55
# Two seeds are on one line when their vertical extents overlap by this
# fraction of the smaller one's height.
LINE_OVERLAP = 0.5
# ...if they are neighbours, at most LINE_NEAR of the taller one's height apart
# sideways; seeds further apart must overlap by FAR_OVERLAP (the ends of two
# slanted lines, one under the other, can overlap a little).
LINE_NEAR = 2.0
FAR_OVERLAP = 0.8
# A mark joins the line whose nearest digit it is at most this many of the
# line's digit heights above or below.
MARK_REACH = 0.35

# Touching digits: a group wider than SPLIT_WIDTH times the line's median digit
# height may be several digits (in ml.synth's forms, slants and stretches 99% of
# digits are at most 0.93 of their own height wide; two touching digits with a 1
# are 0.6-1.0 wide, so some "17" are never looked at: 0.6 or 0.7 read 1 touching
# number in 300 more and let 5 letters in 2134 more through as numbers). Paths of
# parts are compared by the parts' mean log-odds of sureness (see _part_value),
# less SPLIT_PRIOR per extra part; chosen on ml.synth's touching pictures (seed 1,
# 300) and the held-out non-digits, then checked on lines, pages and marks.
SPLIT_WIDTH = 0.8
# A group no wider than SURE_WIDTH of the line's digit height (one digit can be that
# wide) is only cut when the model is less than WHOLE_SURE sure of it whole: 11% of
# single canvas digits are wider than SPLIT_WIDTH, none of them read below 0.999, and
# 88% of lone touching digits do. A one-digit picture then costs one model call more at
# most, not a search.
SURE_WIDTH = 1.1
WHOLE_SURE = 0.999
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
SAME_CUT = 0.03  # cuts dividing the ink alike but for this share of a digit's ink are one cut
MIN_STROKES = 3.0  # a piece less tall than this many of its stroke widths is a blot, never cut
PEN_PART = 0.7  # no part narrower than this many of the piece's stroke widths (slivers of a blot)
# A narrow part (a stroke, which the model reads as a 1) leaning back more than BACK_LEAN columns
# per row going down is no digit: the middle strokes of an N, an M or a W
STROKE_PART = 0.4  # narrow: at most this many of its own heights wide
BACK_LEAN = 0.3
# Each part holds at least this share of the ink (of a piece no wider than SPLIT_WIDTH line
# heights; of a wider one, proportionally less: a 1 in four touching digits is small)...
MIN_PART_INK = 0.1
# ...and is at least this fraction of the group's height: digits side by side are about
# as tall as each other, while a cut that shaves a stroke off one digit (a 6's top) leaves
# a short sliver that reads "1"
MIN_PART_HEIGHT = 0.7
CUT_ROWS = 64  # the cut paths are searched on the group scaled to this height
DIAGONAL_COST = 0.15  # a step sideways costs this much ink: paths go straight unless the ink bends

# What the model makes of masks: per mask, the sureness (0..1) that it is a digit, or its
# probabilities, the ten digits' first (then the digit it sees counts too).
Score = Callable[[list[np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Segment:
    """One digit: where it is, and its own ink."""

    box: tuple[int, int, int, int]  # (x, y, w, h) in the original picture's pixels
    mask: np.ndarray  # uint8 0/1 crop of the working-resolution ink, this digit's pixels only


@dataclass(eq=False)  # compared by identity: the fields hold arrays
class _Group:
    outlines: list[np.ndarray]
    left: int
    top: int
    right: int  # exclusive
    bottom: int  # exclusive

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    def shared(self, other: _Group) -> int:
        """Width of the horizontal overlap in px (negative: the gap between them)."""
        return min(self.right, other.right) - max(self.left, other.left)

    def overlap(self, other: _Group) -> float:
        return self.shared(other) / min(self.width, other.width)

    def vertical_shared(self, other: _Group) -> int:
        return min(self.bottom, other.bottom) - max(self.top, other.top)

    def is_dash(self, tallest: int) -> bool:
        return self.height < self.width and self.height < DASH_HEIGHT * tallest

    def is_dot(self, tallest: int) -> bool:
        return max(self.width, self.height) < DOT_SIZE * tallest and 2 * self.height >= self.width

    def absorb(self, other: _Group) -> None:
        self.outlines += other.outlines
        self.left, self.top = min(self.left, other.left), min(self.top, other.top)
        self.right, self.bottom = max(self.right, other.right), max(self.bottom, other.bottom)


def whole(ink: Ink) -> Segment:
    """All the picture's ink as one digit."""
    x, y, w, h = bounding_box(ink.mask)
    return Segment(box=ink.to_original((x, y, w, h)), mask=ink.mask[y : y + h, x : x + w])


def lines(ink: Ink, score: Score | None = None, sure: float = PART_SURE) -> list[list[Segment]]:
    """The lines of digits, top to bottom, each left to right.

    ``score(masks)`` gives, per mask, the sureness (0..1) that it is a digit, or
    the model's probabilities (the ten digits first): with it, digits that touch
    are split where it is at least ``sure`` of every part (or nearly as sure, see
    WEAK_PART); without it, they stay one segment. The parts' masks are the very
    arrays it was given, so a scorer that remembers its answers need not be asked
    again.
    """
    found = []
    for members in _find_lines(_components(ink)):
        groups = _line_groups(members)
        if score is None:
            found.append([_segment(ink, g) for g in groups])
        else:
            found.append(_split_touching(ink, groups, score, sure))
    return found


def split(ink: Ink) -> list[Segment]:
    """All the ink as one line of digits, left to right (touching digits stay one)."""
    return [_segment(ink, group) for group in _line_groups(_components(ink))]


def _components(ink: Ink) -> list[_Group]:
    groups = []
    for outline in ink.outlines:
        x, y, w, h = cv2.boundingRect(outline)
        groups.append(_Group([outline], x, y, x + w, y + h))
    return groups


def _line_groups(components: list[_Group]) -> list[_Group]:
    return _attach_dashes(_merge_overlapping(components))


# Lines ----------------------------------------------------------------------


def _find_lines(components: list[_Group]) -> list[list[_Group]]:
    """The components, grouped by line, lines ordered top to bottom."""
    if len(components) <= 1:
        return [components]
    tallest = max(c.height for c in components)
    typical = float(np.median([c.height for c in components if 2 * c.height >= tallest]))
    seeds = [c for c in components if c.height >= SEED_HEIGHT * typical]
    marks = [c for c in components if c.height < SEED_HEIGHT * typical]
    found = _overlapping_lines(seeds)
    heights = [float(np.median([c.height for c in line])) for line in found]
    leftover = []
    for mark in marks:
        distance, nearest = min(
            (_mark_distance(mark, line) / height, i)
            for i, (line, height) in enumerate(zip(found, heights, strict=True))
        )
        if distance <= MARK_REACH:
            found[nearest].append(mark)
        else:
            leftover.append(mark)
    if leftover:
        found += _find_lines(leftover)
    return sorted(found, key=lambda line: float(np.median([c.middle for c in line])))


def _overlapping_lines(seeds: list[_Group]) -> list[list[_Group]]:
    """Seeds whose vertical extents overlap enough, transitively (union-find)."""
    parent = list(range(len(seeds)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(seeds):
        for j in range(i + 1, len(seeds)):
            b = seeds[j]
            shared, lower = a.vertical_shared(b), min(a.height, b.height)
            near = -a.shared(b) <= LINE_NEAR * max(a.height, b.height)
            if shared >= (LINE_OVERLAP if near else FAR_OVERLAP) * lower:
                parent[root(j)] = root(i)
    by_root: dict[int, list[_Group]] = {}
    for i, seed in enumerate(seeds):
        by_root.setdefault(root(i), []).append(seed)
    return list(by_root.values())


def _mark_distance(mark: _Group, line: list[_Group]) -> float:
    """How far (px) the mark's middle is above or below the line's digit nearest to it horizontally."""
    nearest = max(line, key=mark.shared)
    return max(0.0, nearest.top - mark.middle, mark.middle - nearest.bottom)


# Digits on a line -----------------------------------------------------------


def _merge_overlapping(groups: list[_Group]) -> list[_Group]:
    """Merge overlapping pairs until none is left; a merge widens a group, so look again.

    Dots are never merged: a full stop or a colon's dot next to a digit is a mark of its own.
    """
    groups = sorted(groups, key=lambda g: (g.left, g.top))
    tallest = max((g.height for g in groups), default=0)
    dots = {id(g) for g in groups if g.is_dot(tallest)}
    while True:
        pair = next(
            (
                (i, j)
                for i in range(len(groups))
                for j in range(i + 1, len(groups))
                if id(groups[i]) not in dots
                and id(groups[j]) not in dots
                and groups[i].overlap(groups[j]) >= MERGE_OVERLAP
            ),
            None,
        )
        if pair is None:
            return groups
        i, j = pair
        groups[i].absorb(groups.pop(j))  # j starts right of i: the order stays sorted


def _attach_dashes(groups: list[_Group]) -> list[_Group]:
    """Give each dash to the group it overlaps most, if it sits near that group's top or bottom;
    a dash overlapping none, or at its mid height, stays alone."""
    if not groups:
        return groups
    tallest = max(g.height for g in groups)
    for dash in [g for g in groups if g.is_dash(tallest) and not g.is_dot(tallest)]:
        host = max((g for g in groups if g is not dash), key=dash.shared, default=None)
        if host is None or dash.shared(host) <= 0:
            continue
        where = (dash.middle - host.top) / max(host.height, 1)
        if DASH_MID_BAND[0] < where < DASH_MID_BAND[1] and host.height > dash.height:
            continue  # a minus or a hyphen between digits
        host.absorb(dash)
        groups.remove(dash)
    return sorted(groups, key=lambda g: (g.left, g.top))


def _own_pixels(ink: Ink, group: _Group) -> np.ndarray:
    """The ink inside the group's components' outlines (holes and all, then masked by the
    ink: a 0's loop stays empty); a neighbour's stroke may enter the box."""
    inside = np.zeros((group.height, group.width), np.uint8)
    cv2.drawContours(inside, group.outlines, -1, 1, thickness=cv2.FILLED, offset=(-group.left, -group.top))
    return cv2.bitwise_and(inside, ink.mask[group.top : group.bottom, group.left : group.right])


def _segment(ink: Ink, group: _Group) -> Segment:
    """The group's bounding box and its own pixels only."""
    box = (group.left, group.top, group.width, group.height)
    return Segment(box=ink.to_original(box), mask=_own_pixels(ink, group))


# Touching digits ------------------------------------------------------------


@dataclass
class _Piece:
    """A group's own pixels, or part of them, at working resolution."""

    left: int
    top: int
    mask: np.ndarray  # uint8 0/1, cropped to its ink

    def cropped(self) -> _Piece:
        x, y, w, h = bounding_box(self.mask)
        return _Piece(self.left + x, self.top + y, self.mask[y : y + h, x : x + w])


def _split_touching(ink: Ink, groups: list[_Group], score: Score, sure: float) -> list[Segment]:
    """The line's segments, groups much wider than its digits cut where the model is surest."""
    tallest = max(g.height for g in groups)
    digits = [not g.is_dash(tallest) and not g.is_dot(tallest) for g in groups]
    heights = [g.height for g, digit in zip(groups, digits, strict=True) if digit]
    height = float(np.median(heights)) if heights else float(tallest)
    pieces = [[_Piece(g.left, g.top, _own_pixels(ink, g))] for g in groups]
    todo = [
        i for i, (g, digit) in enumerate(zip(groups, digits, strict=True)) if digit and g.width > SPLIT_WIDTH * height
    ]
    # a group that could be one wide digit is cut only if the model doubts it is one
    known: dict[int, float] = {}
    maybe = [i for i in todo if groups[i].width <= SURE_WIDTH * height]
    if maybe:
        known = dict(zip(maybe, _judge(score, [pieces[i][0].mask for i in maybe])[0], strict=True))
    todo = [i for i in todo if known.get(i, 0.0) < WHOLE_SURE]
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
    STRONG_PATH (a cut through crossing strokes can leave one part looking less like a digit).
    A 1 less than ONE_SURE needs a STRONG_PATH, and several 1s in one path must each be
    ONE_SURE: the strokes of an M, an N or a W are 1s too."""
    choice, chosen_value = [lattice.piece], _part_value(lattice.piece, whole_sure, height)
    for least, strong in ((sure, -np.inf), (WEAK_PART, STRONG_PATH)):
        edges = [
            _Edge(i, j, part, _part_value(part, p, height), p, digit)
            for (i, j, part), (p, digit) in zip(lattice.edges, answers, strict=True)
            if p >= least
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
    probabilities crowd near 1), less a penalty if it is wider than one digit can be."""
    p = min(max(sureness, 1e-6), 1 - 1e-6)
    excess = max(0.0, part.mask.shape[1] / height - DIGIT_WIDTH)
    return min(float(np.log(p / (1 - p))), MAX_LOGIT) - WIDTH_PENALTY * excess


def _lattice(piece: _Piece, height: float) -> _Lattice:
    """The piece's candidate cuts, and every part between two of them that does not cross
    itself, holds enough ink, is nearly as tall as the piece and no wider than a digit."""
    mask = piece.mask
    rows, width = mask.shape
    pen = stroke_width(mask)
    if rows < MIN_STROKES * pen:  # a blot, not strokes: no digits in it
        return _Lattice(piece, 2, [])
    thinnest = PEN_PART * pen
    nodes = [np.zeros(rows, np.int64), *_candidate_cuts(mask, height), np.full(rows, width, np.int64)]
    column = np.arange(width)[None, :]
    total = int(mask.sum())
    least = MIN_PART_INK * total * min(1.0, SPLIT_WIDTH * height / width)
    last = len(nodes) - 1
    two = width <= TWO_WIDTH * height  # hardly wider than one digit: two parts at most (a quicker search)
    edges = []
    for i, lo in enumerate(nodes):
        for j in range(i + 1, len(nodes)):
            hi = nodes[j]
            if (i, j) == (0, last) or (two and i != 0 and j != last) or np.any(hi < lo):
                continue
            if float(np.mean(hi - lo)) > MAX_PART_WIDTH * height:
                break  # the cuts are ordered: the ones further right are wider still
            left, right = int(lo.min()), int(hi.max())
            band = (column[:, left:right] >= lo[:, None]) & (column[:, left:right] < hi[:, None])
            part = mask[:, left:right] * band
            if part.sum() < least:
                continue
            cropped = _Piece(piece.left + left, piece.top, part.astype(np.uint8)).cropped()
            h, w = cropped.mask.shape
            if h < MIN_PART_HEIGHT * rows or not thinnest <= w <= MAX_PART_WIDTH * height:
                continue
            if w <= STROKE_PART * h and _slant(cropped.mask) > BACK_LEAN:
                continue
            edges.append((i, j, cropped))
    return _Lattice(piece, len(nodes), edges)


def _candidate_cuts(mask: np.ndarray, height: float) -> list[np.ndarray]:
    """Cuts through thin ink, each a column per row of the piece, ordered left to right:
    the cheapest paths down and up through the ink (by where they end at the bottom and
    where they start at the top) and the columns with least ink, upright and along the
    ink's slant (two digits of one slant; a 1 and a 7 seldom share it). Cuts that divide
    the ink alike are one cut."""
    rows, width = mask.shape
    slant = _slant(mask)
    cuts = []
    for shear in [slant] + ([0.0] if abs(slant) > 0.1 else []):
        upright, pad = _shear(mask, shear)
        back = shear * (np.arange(rows) - rows / 2) - pad  # a column of the upright mask, in the piece's own
        found = [*_straight_cuts(upright), *_cut_paths(upright), *(p[::-1] for p in _cut_paths(upright[::-1]))]
        for cut in found:
            cuts.append(np.clip(np.round(cut + back), 0, width).astype(np.int64))
    # the ink left of each cut, row by row: cuts are compared by how they divide the ink
    before = np.concatenate([np.zeros((rows, 1), np.int64), np.cumsum(mask, axis=1, dtype=np.int64)], axis=1)
    total = int(before[:, -1].sum())
    same = SAME_CUT * total * min(1.0, height / width)  # a share of one digit's ink
    kept: list[tuple[np.ndarray, np.ndarray]] = []
    for cut in cuts:
        left = before[np.arange(rows), cut]
        if same <= left.sum() <= total - same and all(np.abs(left - other).sum() >= same for _, other in kept):
            kept.append((cut, left))
    kept.sort(key=lambda item: float(item[1].sum()))
    return [cut for cut, _ in kept]


def _slant(mask: np.ndarray) -> float:
    """The ink's slant from its second moments: columns per row going down (right-leaning: < 0)."""
    moments = cv2.moments(mask, binaryImage=True)
    return float(np.clip(moments["mu11"] / moments["mu02"], -1.0, 1.0)) if moments["mu02"] else 0.0


def _shear(mask: np.ndarray, slant: float) -> tuple[np.ndarray, int]:
    """The mask sheared so that lines of that slant stand upright, and the columns of padding
    on the left."""
    rows, cols = mask.shape
    pad = int(np.ceil(abs(slant) * rows / 2))
    shear = np.array([[1, -slant, slant * rows / 2 + pad], [0, 1, 0]], np.float32)
    return cv2.warpAffine(mask, shear, (cols + 2 * pad, rows), flags=cv2.INTER_NEAREST), pad


def _straight_cuts(mask: np.ndarray) -> list[np.ndarray]:
    """Vertical cuts at the minima of the ink per column (smoothed), fewest ink first."""
    rows, cols = mask.shape
    counts = mask.sum(axis=0).astype(np.float64)
    window = max(1, cols // 20)
    counts = np.convolve(counts, np.ones(window) / window, mode="same")
    padded = np.concatenate(([np.inf], counts, [np.inf]))
    minima = [c for c in range(cols) if padded[c + 1] < padded[c] and padded[c + 1] <= padded[c + 2]]
    minima.sort(key=lambda c: counts[c])
    return [np.full(rows, c, np.int64) for c in minima]


def _cut_paths(mask: np.ndarray) -> list[np.ndarray]:
    """Cheapest top-to-bottom paths through the ink (seam carving), by where they end.

    The search runs on the mask scaled to CUT_ROWS rows; each step down goes
    straight or one column sideways, paying for the ink it crosses. Returns the
    paths ending at local minima of the cost, cheapest first, each as a column
    per row of the full mask.
    """
    rows, cols = mask.shape
    factor = min(1.0, CUT_ROWS / rows)
    small_size = (max(3, round(cols * factor)), max(2, round(rows * factor)))
    small = cv2.resize(mask.astype(np.float32), small_size, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    total = small[0].copy()
    total[: max(1, round(0.1 * w))] = total[w - max(1, round(0.1 * w)) :] = np.inf  # no running round the ends
    step = np.zeros((h, w), np.int8)
    for r in range(1, h):
        left = np.concatenate(([np.inf], total[:-1])) + DIAGONAL_COST
        right = np.concatenate((total[1:], [np.inf])) + DIAGONAL_COST
        options = np.stack([left, total, right])
        choice = np.argmin(options, axis=0)
        total = options[choice, np.arange(w)] + small[r]
        step[r] = choice - 1
    padded = np.concatenate(([np.inf], total, [np.inf]))
    minima = [c for c in range(w) if padded[c + 1] <= padded[c] and padded[c + 1] <= padded[c + 2]]
    minima.sort(key=lambda c: total[c])
    ends, paths = [], {}
    for c in (c for c in minima if np.isfinite(total[c])):
        path = np.empty(h, np.int64)
        path[-1] = c
        for r in range(h - 1, 0, -1):
            path[r - 1] = path[r] + step[r, path[r]]
        full = np.round((path[np.minimum((np.arange(rows) * h) // rows, h - 1)] + 0.5) * cols / w).astype(np.int64)
        end = int(full[-1])
        if end not in paths:
            ends.append(end)
            paths[end] = np.clip(full, 0, cols)
    return [paths[end] for end in ends]
