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

Digits that touch each other are one component. With a scorer (how sure the
model is of a mask being a digit), a component much wider than the line's
typical digit is cut where the ink is thinnest (the columns with least ink and
the cheapest top-to-bottom paths through it, both once the group is sheared
upright by its slant) into 2 or 3 parts, and the cut the model is surest of is kept,
if it beats no cut at all; parts still too wide are looked at once more.

Components come from the ink's outlines (``Ink.outlines``, found once by
``extract_ink``): the same components connectedComponentsWithStats would label,
at a tenth of its cost in this OpenCV build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from ml.preprocess import Ink, bounding_box

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
# are 0.6-1.0 wide, so some "17" are never looked at). Candidates are compared by
# the parts' mean log-odds of sureness (see _value), less SPLIT_PRIOR per extra
# part; chosen on ml.synth's touching, line and page pictures (seed 1): lower
# values split more touching digits and also single wide ones.
SPLIT_WIDTH = 0.8
THREE_WIDTH = 1.3  # wide enough to try three parts
# A group no wider than SURE_WIDTH of the line's digit height (one digit can be that
# wide) is only cut when the model is less than WHOLE_SURE sure of it whole: 11% of
# single canvas digits are wider than SPLIT_WIDTH, none of them read below 0.999, and
# 88% of lone touching digits do. A one-digit picture then costs one model call more at
# most, not a search.
SURE_WIDTH = 1.1
WHOLE_SURE = 0.999
SPLIT_PRIOR = 0.5  # in log-odds, per extra part
# A cut is only taken when the scorer is sure of every part (the pipeline passes the
# model's own "uncertain" threshold): a star or a letter cut in two is not two digits,
# however much surer of its halves the model is than of the whole.
PART_SURE = 0.9
MAX_LOGIT = 9.0  # p = 0.9999: beyond it, surer means nothing
DIGIT_WIDTH = 0.9  # a part wider than this many line heights is probably still two digits...
WIDTH_PENALTY = 4.0  # ...and costs this many log-odds per line height beyond it
CUTS = 6  # candidate cuts into two parts tried, per kind of cut (straight, path) and slant
THREE_CUTS = 3  # candidate places for each of the two cuts into three parts
ROUNDS = 2  # wide groups are looked at, then the parts of their cuts still too wide, once
MIN_PART_INK = 0.1  # each part holds at least this share of the ink...
# ...and is at least this fraction of the group's height: digits side by side are about
# as tall as each other, while a cut that shaves a stroke off one digit (a 6's top) leaves
# a short sliver that reads "1"
MIN_PART_HEIGHT = 0.7
CUT_ROWS = 64  # the cut paths are searched on the group scaled to this height
DIAGONAL_COST = 0.15  # a step sideways costs this much ink: paths go straight unless the ink bends

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
    return Segment(box=ink.to_original((x, y, w, h)), mask=ink.mask[y:y + h, x:x + w])


def lines(ink: Ink, score: Score | None = None, sure: float = PART_SURE) -> list[list[Segment]]:
    """The lines of digits, top to bottom, each left to right.

    ``score(masks)`` gives one sureness (0..1) per mask that it is a digit: with
    it, digits that touch are split where it is at least ``sure`` of every part;
    without it, they stay one segment.
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
        distance, nearest = min((_mark_distance(mark, line) / height, i)
                                for i, (line, height) in enumerate(zip(found, heights)))
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
        pair = next(((i, j) for i in range(len(groups)) for j in range(i + 1, len(groups))
                     if id(groups[i]) not in dots and id(groups[j]) not in dots
                     and groups[i].overlap(groups[j]) >= MERGE_OVERLAP), None)
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
    return cv2.bitwise_and(inside, ink.mask[group.top:group.bottom, group.left:group.right])


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
        return _Piece(self.left + x, self.top + y, self.mask[y:y + h, x:x + w])


def _split_touching(ink: Ink, groups: list[_Group], score: Score, sure: float) -> list[Segment]:
    """The line's segments, groups much wider than its digits cut where the model is surest."""
    tallest = max(g.height for g in groups)
    digits = [not g.is_dash(tallest) and not g.is_dot(tallest) for g in groups]
    heights = [g.height for g, digit in zip(groups, digits) if digit]
    height = float(np.median(heights)) if heights else float(tallest)
    pieces = [[_Piece(g.left, g.top, _own_pixels(ink, g))] for g in groups]
    todo = [(i, 0) for i, (g, digit) in enumerate(zip(groups, digits)) if digit and g.width > SPLIT_WIDTH * height]
    # a group that could be one wide digit is cut only if the model doubts it is one
    doubtful = [(i, k) for i, k in todo if groups[i].width > SURE_WIDTH * height]
    maybe = [(i, k) for i, k in todo if groups[i].width <= SURE_WIDTH * height]
    if maybe:
        whole = score([pieces[i][k].mask for i, k in maybe])
        doubtful += [ik for ik, whole_sure in zip(maybe, whole) if whole_sure < WHOLE_SURE]
    todo = sorted(doubtful)
    for _ in range(ROUNDS):  # a part of a cut still too wide (four digits touching) is looked at again
        if not todo:
            break
        choices = _best_cuts([pieces[i][k] for i, k in todo], height, score, sure)
        cut = {}
        for (i, k), parts in zip(todo, choices):
            if len(parts) > 1:
                cut[(i, k)] = parts
        for (i, k), parts in sorted(cut.items(), reverse=True):  # right to left: indices stay valid
            pieces[i][k:k + 1] = parts
        todo = [(i, k) for i in sorted({i for i, _ in cut}) for k, p in enumerate(pieces[i])
                if p.mask.shape[1] > SPLIT_WIDTH * height]
    return [Segment(box=ink.to_original((p.left, p.top, p.mask.shape[1], p.mask.shape[0])), mask=p.mask)
            for line in pieces for p in line]


def _best_cuts(pieces: list[_Piece], height: float, score: Score, sure: float) -> list[list[_Piece]]:
    """For each piece, itself or its parts along the cut the scorer is surest of (one call)."""
    candidates = [[[piece]] + _candidate_cuts(piece, height) for piece in pieces]
    masks = [part.mask for options in candidates for option in options for part in option]
    sureness = iter(np.asarray(score(masks), dtype=np.float64))
    chosen = []
    for options in candidates:
        values = []
        for option in options:
            parts = np.array([next(sureness) for _ in option])
            eligible = len(option) == 1 or bool((parts >= sure).all())
            values.append(_value(option, parts, height) if eligible else -np.inf)
        chosen.append(options[int(np.argmax(values))])
    return chosen


def _value(parts: list[_Piece], sureness: np.ndarray, height: float) -> float:
    """How good a cut is: the parts' mean log-odds of being the digit the model says (the
    model's probabilities crowd near 1), less a prior per extra part and a penalty for parts
    wider than one digit can be."""
    p = np.clip(sureness, 1e-6, 1 - 1e-6)
    logit = np.minimum(np.log(p / (1 - p)), MAX_LOGIT)
    width = np.array([part.mask.shape[1] for part in parts]) / height
    excess = np.maximum(0.0, width - DIGIT_WIDTH).sum()
    return float(logit.mean() - SPLIT_PRIOR * (len(parts) - 1) - WIDTH_PENALTY * excess)


def _candidate_cuts(piece: _Piece, height: float) -> list[list[_Piece]]:
    """Ways to cut the piece into 2 (and, when wide enough, 3) parts along thin ink: upright
    and along the ink's slant (two digits of one slant; a 1 and a 7 seldom share it)."""
    slant = _slant(piece.mask)
    out = []
    for shear in [slant] + ([0.0] if abs(slant) > 0.1 else []):
        out += _cuts_at(piece, height, shear)
    return out


def _cuts_at(piece: _Piece, height: float, slant: float) -> list[list[_Piece]]:
    """Cuts of the piece along lines and paths of the given slant (columns per row going down)."""
    mask = piece.mask
    rows = mask.shape[0]
    upright, pad = _shear(mask, slant)
    cols = upright.shape[1]
    seams = _cut_paths(upright)
    straight = _straight_cuts(upright)
    total = int(mask.sum())
    out = []
    # a column of the upright mask, row by row, in the piece's own columns
    back = slant * (np.arange(rows) - rows / 2) - pad

    def parts_of(cuts: list[np.ndarray]) -> list[_Piece] | None:
        width = mask.shape[1]
        column = np.arange(width)[None, :]
        bounds = ([np.zeros(rows, np.int64)] + [np.round(cut + back).astype(np.int64) for cut in cuts]
                  + [np.full(rows, width, np.int64)])
        parts = []
        for lo, hi in zip(bounds, bounds[1:]):
            part = mask * ((column >= lo[:, None]) & (column < hi[:, None]))
            if part.sum() < MIN_PART_INK * total:
                return None
            parts.append(_Piece(piece.left, piece.top, part.astype(np.uint8)).cropped())
            if parts[-1].mask.shape[0] < MIN_PART_HEIGHT * rows:
                return None
        return parts

    def best(cuts: list[np.ndarray], lo: float, hi: float, count: int) -> list[np.ndarray]:
        """Up to ``count`` cuts ending in [lo, hi) of the width, cheapest first, apart from each other."""
        picked: list[np.ndarray] = []
        for cut in cuts:
            if lo * cols <= cut[-1] < hi * cols and all(abs(cut[-1] - p[-1]) >= 0.1 * cols for p in picked):
                picked.append(cut)
            if len(picked) == count:
                break
        return picked

    for cuts in (seams, straight):
        for cut in best(cuts, 0.15, 0.85, CUTS):
            parts = parts_of([cut])
            if parts:
                out.append(parts)
        if mask.shape[1] > THREE_WIDTH * height:
            for a in best(cuts, 0.15, 0.5, THREE_CUTS):
                for b in best(cuts, 0.5, 0.85, THREE_CUTS):
                    if np.all(a + 0.1 * cols <= b):
                        parts = parts_of([a, b])
                        if parts:
                            out.append(parts)
    return out


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
    total[:max(1, round(0.1 * w))] = total[w - max(1, round(0.1 * w)):] = np.inf  # no running round the ends
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
