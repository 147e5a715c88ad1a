"""Scatters that scale to the largest legal dataset (issue #14, item 3).

A million points with one QBrush each took 45 s and gigabytes to draw. The 2-D
views show at most MAX_SHOWN points of a split (an even, fixed sample: the same
points on every redraw) with a note saying so, and share one brush per colour.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

MAX_SHOWN = 10_000  # points of one split drawn at most (pyqtgraph styles each one: ~40 µs)
COLOUR_LEVELS = 64  # continuous colours are rounded to this many steps (one brush each)


def shown_indices(n: int, cap: int = MAX_SHOWN) -> np.ndarray | None:
    """Which of ``n`` points to draw: None for all of them, else ``cap`` sorted
    indices drawn with a fixed seed."""
    if n <= cap:
        return None
    return np.sort(np.random.default_rng(0).choice(n, cap, replace=False))


def shared_brushes(rgba: np.ndarray) -> list:
    """A brush per row of ``rgba`` (N, 4) bytes, made once per distinct colour."""
    rgba = np.asarray(rgba, np.uint8).reshape(-1, rgba.shape[-1])
    if not len(rgba):
        return []
    if rgba.shape[1] == 4:  # one 32-bit key per row: np.unique on rows sorts ~5x slower
        keys = np.ascontiguousarray(rgba).view(np.uint32).reshape(-1)
        packed, inverse = np.unique(keys, return_inverse=True)
        colours = packed.view(np.uint8).reshape(-1, 4)
    else:
        colours, inverse = np.unique(rgba, axis=0, return_inverse=True)
    brushes = np.empty(len(colours), object)
    brushes[:] = [pg.mkBrush(*c) for c in colours]
    return list(brushes[inverse.reshape(-1)])


def sample_note(shown: int, total: int, what: str = "points") -> str:
    return f"Showing {shown:,} of {total:,} {what}, an even sample." if shown < total else ""
