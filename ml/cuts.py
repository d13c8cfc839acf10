"""Where a blob of touching digits could be cut: through the thinnest ink.

The columns with least ink, and the cheapest paths down and up through it, both
upright and once the blob is sheared upright by its slant.
"""

from __future__ import annotations

import cv2
import numpy as np

SAME_CUT = 0.03  # cuts dividing the ink alike but for this share of a digit's ink are one cut
CUT_ROWS = 64  # the cut paths are searched on the group scaled to this height
DIAGONAL_COST = 0.15  # a step sideways costs this much ink: paths go straight unless the ink bends


def candidate_cuts(mask: np.ndarray, height: float) -> list[np.ndarray]:
    """Cuts through thin ink, each a column per row of the piece, ordered left to right:
    the cheapest paths down and up through the ink (by where they end at the bottom and
    where they start at the top) and the columns with least ink, upright and along the
    ink's slant (two digits of one slant; a 1 and a 7 seldom share it). Cuts that divide
    the ink alike are one cut."""
    rows, width = mask.shape
    slant = slant_of(mask)
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


def slant_of(mask: np.ndarray) -> float:
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
