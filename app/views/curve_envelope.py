"""S-GUI: a long curve's drawing cost kept flat: its min/max envelope in at most
``POINTS`` blocks, summarised incrementally as rows arrive.

After an hour at thousands of epochs a second a loss curve holds millions of rows;
handing them all to pyqtgraph makes each redraw scan them (tens of milliseconds on
the GUI thread). :class:`Envelope` keeps, for each block of ``rows_per_block``
consecutive rows, the block's lowest and highest value (NaN-aware), doubling the block
size when there are too many blocks, so a redraw gets at most ``2 * POINTS`` points
plus the rows of the unfinished block, and draws the same peaks: a pixel column
shows a block's full range, as pyqtgraph's own peak downsampling does.
"""

from __future__ import annotations

import numpy as np

POINTS = 4096  # blocks kept at most (each drawn as its low and its high point)


class Envelope:
    def __init__(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.rows_per_block = 0  # chosen when the curve first grows past 2 * POINTS rows
        self._done = 0  # rows summarised into whole blocks
        self._x = np.empty((0, 2))  # per block: its first and its last row's x
        self._y = np.empty((0, 2))  # per block: its lowest and its highest y

    def of(self, x: np.ndarray, y: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """The points to draw for the first ``n`` rows of ``x`` and ``y`` (x ascending)."""
        if n <= 2 * POINTS:
            return x[:n], y[:n]
        if not self.rows_per_block:
            self.rows_per_block = 1 << int(np.ceil(np.log2(n / POINTS)))
        k = self.rows_per_block
        whole = n // k * k
        if whole > self._done:
            bx = x[self._done : whole].reshape(-1, k)
            by = y[self._done : whole].reshape(-1, k)
            lo, hi = np.fmin.reduce(by, axis=1), np.fmax.reduce(by, axis=1)
            self._x = np.concatenate([self._x, np.stack([bx[:, 0], bx[:, -1]], 1)])
            self._y = np.concatenate([self._y, np.stack([lo, hi], 1)])
            self._done = whole
        while len(self._x) > POINTS:
            self._merge()
        tail = slice(self._done, n)
        return (
            np.concatenate([self._x.reshape(-1), x[tail]]),
            np.concatenate([self._y.reshape(-1), y[tail]]),
        )

    def _merge(self) -> None:
        """Twice the rows per block: pairs of blocks become one (an odd last block is
        summarised again, at the new size, from its rows)."""
        pairs = len(self._x) // 2
        if len(self._x) % 2:
            self._done -= self.rows_per_block
        bx, by = self._x[: 2 * pairs], self._y[: 2 * pairs]
        self._x = np.stack([bx[0::2, 0], bx[1::2, 1]], 1)
        self._y = np.stack([np.fmin(by[0::2, 0], by[1::2, 0]), np.fmax(by[0::2, 1], by[1::2, 1])], 1)
        self.rows_per_block *= 2
