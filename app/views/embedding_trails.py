"""Trails for the embedding view: where each test sample's point was at the last few
finished layouts, drawn as a faint line through those places to where it is now, so a
student sees how the features move as the network trains.

The t-SNE layouts are warm-started from one another (engine.probes.embedding), so one
sample's successive places are comparable; a layout is kept only once finished, one
per refresh. A checkbox in the view's top row turns the lines on; the places are kept
either way, and saved with the view's data (``trails``, (K, N, 2), oldest first).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox

from app.look import theme

MAX_LAYOUTS = 6  # finished layouts a trail goes back through


class Trails:
    def __init__(self, plot_item: pg.PlotItem, row) -> None:
        self.layouts: list[np.ndarray] = []  # (N, 2) each, oldest first
        self._key: tuple | None = None  # (layer, refresh) of the last layout kept
        self._now: np.ndarray | None = None
        self.lines = pg.PlotDataItem(connect="finite")
        self.lines.setZValue(-1)  # under the points
        plot_item.addItem(self.lines)
        self.check = QCheckBox("Trails")
        self.check.setToolTip(f"Lines through each point's places at the last {MAX_LAYOUTS} finished layouts")
        self.check.toggled.connect(lambda _on: self.draw(self._now))
        row.addWidget(self.check)
        theme.follow(self.lines, lambda _w, t: self._restyle(t))

    def _restyle(self, t) -> None:
        colour = pg.mkColor(t.text)
        colour.setAlpha(60)
        self.lines.setPen(pg.mkPen(colour, width=1))

    def clear(self) -> None:
        self.layouts, self._key, self._now = [], None, None
        self.lines.setData([], [])

    def record(self, value: dict) -> None:
        """Keep ``value``'s layout if it is a finished one not kept yet."""
        coords = np.asarray(value["coords"], np.float64)
        if self.layouts and len(self.layouts[-1]) != len(coords):
            self.layouts = []  # other samples: the old places mean nothing
        if not value.get("done") or (self.layouts and np.array_equal(self.layouts[-1], coords)):
            return
        self.layouts.append(coords.copy())
        del self.layouts[:-MAX_LAYOUTS]

    def draw(self, now: np.ndarray | None) -> None:
        """The lines, from each point's oldest kept place to ``now`` (the places shown)."""
        self._now = now
        if not self.check.isChecked() or now is None or not self.layouts:
            self.lines.setData([], [])
            return
        places = [p for p in self.layouts if len(p) == len(now)]
        if not places:
            self.lines.setData([], [])
            return
        path = np.stack([*places, now], axis=1)  # (N, K + 1, 2)
        gap = np.full((len(now), 1, 2), np.nan)  # "finite": a NaN ends one point's line
        flat = np.concatenate([path, gap], axis=1).reshape(-1, 2)
        self.lines.setData(flat[:, 0], flat[:, 1])

    def data(self) -> dict:
        return {"trails": np.stack(self.layouts)} if self.layouts else {}
