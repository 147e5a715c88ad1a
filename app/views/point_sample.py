"""Drawing the largest legal datasets (issue #14): a scatter shows at most DISPLAY_CAP
points, an even random sample with a note saying so, and points of one colour share one
brush.

pyqtgraph keeps a record and draws a symbol per point; a brush per point made a million
points take 45 s to draw and 5-6 GB of memory. Twenty thousand points already fill the
plane at any size the window has, so a denser sample would look the same.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

DISPLAY_CAP = 20_000  # points per scatter
LEVELS = 256  # colours a continuous colour map is cut into: brushes are shared per level


def display_subset(n: int, cap: int = DISPLAY_CAP) -> np.ndarray | slice:
    """The indices of the points a scatter of ``n`` shows: all of them, or ``cap`` drawn
    evenly at random (fixed seed, so a redraw shows the same ones), in their order."""
    if n <= cap:
        return slice(None)
    return np.sort(np.random.default_rng(0).choice(n, cap, replace=False))


def subset_note(shown: int, total: int, what: str) -> str:
    """'' when every point shows, else a sentence for the view's key."""
    if shown >= total:
        return ""
    return f"Showing {shown:,} of {total:,} {what} (an even sample)."


def shared_brushes(rgba: np.ndarray) -> list:
    """One brush per row of ``rgba`` (N, 4 bytes), one QBrush object per distinct colour."""
    colours, index = np.unique(np.asarray(rgba, np.uint8).reshape(len(rgba), -1), axis=0, return_inverse=True)
    palette = [pg.mkBrush(*map(int, c)) for c in colours]
    return [palette[i] for i in index.reshape(-1)]


def quantised(values: np.ndarray) -> np.ndarray:
    """``values`` in [-1, 1] snapped to LEVELS steps (the eye cannot tell them apart)."""
    v = np.clip(np.asarray(values, np.float64), -1, 1)
    return np.round((v + 1) / 2 * (LEVELS - 1)) / (LEVELS - 1) * 2 - 1
