"""Train and test loss against epoch, fed from snapshots.

Rows are appended to growable numpy buffers (doubling), and the curves draw views of
them with clip-to-view and peak downsampling, so redrawing stays cheap after an hour
of training (millions of rows).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from engine.train.events import Metrics, Snapshot

TRAIN_COLOUR = "#333333"
TEST_COLOUR = "#0877bd"
REDRAW_MS = 33  # the curves redraw at most ~30 times a second; rows are never dropped


class _Series:
    """Growable x/y buffers for one curve."""

    def __init__(self, capacity: int = 4096) -> None:
        self.x = np.empty(capacity, np.float64)
        self.y = np.empty(capacity, np.float64)
        self.n = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        need = self.n + len(x)
        if need > len(self.x):
            size = max(need, 2 * len(self.x))
            self.x = np.concatenate([self.x[:self.n], np.empty(size - self.n)])
            self.y = np.concatenate([self.y[:self.n], np.empty(size - self.n)])
        self.x[self.n:need] = x
        self.y[self.n:need] = y
        self.n = need

    def clear(self) -> None:
        self.n = 0

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[:self.n], self.y[:self.n]


def _plot_widget(title: str, x_label: str, y_label: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(background="w")
    item = plot.getPlotItem()
    item.setTitle(title, color="#222", size="11pt")
    for name, text in (("bottom", x_label), ("left", y_label)):
        axis = item.getAxis(name)
        axis.setLabel(text, color="#222")
        axis.setPen("#555")
        axis.setTextPen("#222")
        axis.enableAutoSIPrefix(False)
    return plot


class QtLossPlot(QWidget):
    """Loss curves with a legend; ``log loss`` switches the y axis to a log scale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = _plot_widget("Loss", "epoch", "loss")
        item = self.plot.getPlotItem()
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        legend = item.addLegend(offset=(-10, 10), labelTextColor="#222",
                                brush=pg.mkBrush(255, 255, 255, 200))
        self.train = _Series()
        self.test = _Series()
        self._dirty = False
        self.train_curve = item.plot(pen=pg.mkPen(TRAIN_COLOUR, width=2), name="train loss",
                                     connect="finite")
        self.test_curve = item.plot(pen=pg.mkPen(TEST_COLOUR, width=2), name="test loss",
                                    connect="finite")
        for curve in (self.train_curve, self.test_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
        self.legend = legend
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self.flush)

        self.log_y = QCheckBox("log scale")
        self.log_y.setToolTip("Show the loss on a logarithmic axis")
        self.log_y.toggled.connect(self.set_log_y)
        self.summary = QLabel("")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.log_y)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)

    def __len__(self) -> int:
        return self.train.n

    def set_log_y(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self.log_y.setChecked(on)

    def clear(self) -> None:
        self.train.clear()
        self.test.clear()
        self._dirty = False
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self.summary.setText("")

    def append(self, metrics: Metrics) -> None:
        if not len(metrics):
            return
        x = metrics.epochs.astype(np.float64)
        self.train.extend(x, metrics.train_loss)
        self.test.extend(x, metrics.test_loss)
        if not self._redraw.isActive():  # draw now, then at most once per REDRAW_MS
            self._draw()
            self._redraw.start()
        else:
            self._dirty = True

    def _draw(self) -> None:
        self._dirty = False
        if not self.train.n:
            return
        self.train_curve.setData(*self.train.view())
        self.test_curve.setData(*self.test.view())
        self.summary.setText(f"train {self.train.y[self.train.n - 1]:.4g}   "
                             f"test {self.test.y[self.test.n - 1]:.4g}")

    def flush(self) -> None:
        """Draw rows that are waiting for the next redraw."""
        if self._dirty:
            self._draw()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.reset:
            self.clear()
        self.append(snapshot.metrics)
