"""Compare mode: K variants of the project's network trained together, as small multiples.

The instructor picks what varies (activation, learning rate or seed) and which
values; one trainer (``engine.train.compare.make_compare``: batched where it can,
else the variants stepped in turn) trains them all on a worker thread
(``app.bridge.compare_worker``). The window shows a grid of tiles (``app.shell.compare_tiles``),
one per variant: its decision boundary for 2-D points, its accuracy curve for
images, titled with the variant's label and its current test loss and accuracy,
and one chart with each variant's test loss. A variant that diverges is greyed
out and its title says at which epoch; the others go on.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.bridge.compare_worker import CompareWorker, finite_or_nan
from app.shell.compare_controls import VariantChoice
from app.shell.compare_tiles import TileGrid, VariantTile, variant_colour
from app.views.axes import EpochAxis, LogAwareAxis
from app.views.style import style_plot
from engine.errors import NodeplayError
from engine.project import Project
from engine.train.compare import make_compare
from engine.train.events import Snapshot
from engine.train.variants import VariantTrainer


class CompareWindow(VariantChoice, QWidget):
    """Compare mode for ``project``: pick what varies, press Play, read the tiles."""

    def __init__(self, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.project = project.copy()
        self.setWindowTitle(f"Compare — {getattr(self.project, 'name', '') or 'project'}")
        self.resize(1200, 800)
        self.worker: CompareWorker | None = None
        self.session: VariantTrainer | None = None  # the newest, owned by the worker
        self.error: str | None = None
        self.epoch = 0
        self.rate = 0.0
        self.training = False  # what the worker last reported
        self._resume = False  # play once the variants have moved (Continue on the CPU)
        self.tiles: list[VariantTile] = []
        self.curves: list[pg.PlotDataItem] = []
        self._series: list[tuple[list, list]] = []
        self._token = 0  # the trainer whose snapshots are drawn
        self._build()
        self.mode.setCurrentIndex(0)
        self._rebuild()

    # -- layout ----------------------------------------------------------------------
    def _build(self) -> None:
        self._build_choice()

        self.reset_button = QPushButton("⟲ Reset")
        self.reset_button.setToolTip("Fresh weights for every variant")
        self.reset_button.clicked.connect(self.reset)
        self.play_button = QPushButton("▶ Play")
        self.play_button.setMinimumWidth(90)
        self.play_button.clicked.connect(self.toggle)
        self.step_button = QPushButton("Step")
        self.step_button.setToolTip("Train every variant for one epoch")
        self.step_button.clicked.connect(lambda: self.step())
        self.epoch_label = QLabel()
        self.epoch_label.setMinimumWidth(120)
        font = self.epoch_label.font()
        font.setPointSize(font.pointSize() + 3)
        self.epoch_label.setFont(font)
        self.rate_label = QLabel()
        self.rate_label.setMinimumWidth(90)

        top = QHBoxLayout()
        top.addWidget(QLabel("Compare:"))
        top.addWidget(self.mode)
        top.addWidget(self.values, 1)
        bottom = QHBoxLayout()
        for w in (self.reset_button, self.play_button, self.step_button):
            bottom.addWidget(w)
        bottom.addSpacing(12)
        bottom.addWidget(self.epoch_label)
        bottom.addWidget(self.rate_label)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #555;")
        self.summary.setWordWrap(True)
        bottom.addWidget(self.summary, 1)
        # issue #14: after the GPU ran out of memory, the variants go on on the CPU
        self.cpu_button = QPushButton("Continue on the CPU")
        self.cpu_button.setVisible(False)
        self.cpu_button.clicked.connect(self.continue_on_cpu)
        bottom.addWidget(self.cpu_button)

        self.grid = TileGrid()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet(
            "QLabel { color: #a11; background: #fde7e7; border: 1px "
            "solid #a11; border-radius: 4px; padding: 16px; "
            "font-size: 13pt; }"
        )
        holder = QFrame()
        hl = QVBoxLayout(holder)
        hl.addStretch(1)
        hl.addWidget(self.message)
        hl.addStretch(2)
        self.centre = QStackedWidget()
        self.centre.addWidget(self.grid)
        self.centre.addWidget(holder)

        self.chart = pg.GraphicsLayoutWidget()
        self.chart.setBackground("w")
        # whole epochs on x; one number style on a log y axis (as the main loss plot)
        axes = {"bottom": EpochAxis("bottom"), "left": LogAwareAxis("left")}
        item = self.chart_plot = self.chart.addPlot(row=0, col=0, axisItems=axes)
        style_plot(item, "Test loss", "epoch", "test loss")
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.setMenuEnabled(False)
        # The legend sits under the chart, where it never hides a curve.
        self.legend = pg.LegendItem(colCount=3, labelTextColor="#222", horSpacing=14)
        self.chart.addItem(self.legend, row=1, col=0)
        self.log_y = QCheckBox("log scale")
        self.log_y.toggled.connect(self._set_log_y)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.chart, 1)
        rl.addWidget(self.log_y, 0, Qt.AlignmentFlag.AlignRight)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.centre)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([700, 480])
        split.setChildrenCollapsible(False)
        self.splitter = split

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(bottom)
        layout.addWidget(split, 1)
        self._show_epoch()

    def _rebuild(self) -> None:
        """A fresh trainer for the current choice, handed to the worker (paused)."""
        try:
            session = make_compare(self.project.copy(), self.variants())
        except NodeplayError as err:
            self._show_error(str(err))
            return
        self.error = None
        self.session = session
        self.centre.setCurrentIndex(0)
        self._token = session.token
        if self.worker is None:
            self.worker = CompareWorker(session, self)
            self.worker.snapshot.connect(self._show_snapshot)
            self.worker.failed.connect(self.summary.setText)
            self.worker.outOfMemory.connect(self._out_of_memory)
            self.worker.deviceChanged.connect(self._device_changed)
            self.worker.stateChanged.connect(lambda _playing: self._show_play())
            self.worker.start()
        else:
            self.worker.set_session(session)
        self.training = False
        self.epoch, self.rate = 0, 0.0
        self._make_tiles(session)
        self._set_enabled(True)
        self._show_epoch()

    def _show_error(self, text: str) -> None:
        self.error = text
        if self.worker is not None:
            self.worker.pause()
        self.training = False
        self.message.setText(text)
        self.centre.setCurrentIndex(1)
        for curve in self.curves:  # no stale curves beside the message
            self.chart_plot.removeItem(curve)
        self.legend.clear()
        self.curves, self._series, self.tiles = [], [], []
        self.epoch = 0
        self._set_enabled(False)
        self._show_epoch()

    def _set_enabled(self, ok: bool) -> None:
        for b in (self.play_button, self.step_button, self.reset_button):
            b.setEnabled(ok)
        self._show_play()

    def _make_tiles(self, session: VariantTrainer) -> None:
        k = session.k
        plots = self.grid.set_count(k)
        self.tiles = [
            VariantTile(p, label, variant_colour(i, k), session.dataset)
            for i, (p, label) in enumerate(zip(plots, session.labels, strict=True))
        ]
        item = self.chart_plot
        for curve in self.curves:
            item.removeItem(curve)
        self.legend.clear()
        self.curves, self._series = [], []
        for i, label in enumerate(session.labels):
            curve = item.plot(pen=pg.mkPen(variant_colour(i, k), width=2), connect="finite")
            self.legend.addItem(curve, label)
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            self.curves.append(curve)
            self._series.append(([], []))
        self.summary.setText("")

    # -- controls ---------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        """Whether Play was asked for (the button's state)."""
        return self.worker is not None and self.worker.playing

    def play(self) -> None:
        if self.worker is not None and self.error is None:
            self.worker.play()
            self._show_play()

    def pause(self) -> None:
        if self.worker is not None:
            self.worker.pause()
            self._show_play()

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self, epochs: int = 1) -> None:
        if self.worker is not None and self.error is None:
            self.worker.step(epochs)
            self._show_play()

    def reset(self) -> None:
        if self.worker is not None and self.error is None:
            self.worker.reset()
            self._show_play()

    def _out_of_memory(self, text: str) -> None:
        self.summary.setText(text)
        self.cpu_button.setVisible(True)
        self._show_play()

    def continue_on_cpu(self) -> None:
        """Every variant moves to the CPU as it is, then trains on (the failed epoch again)."""
        self.cpu_button.setVisible(False)
        self.project.train.device = "cpu"  # this window's copy: a new choice trains there too
        if self.worker is not None:
            self._resume = True
            self.worker.set_device("cpu")

    def _device_changed(self, device: str) -> None:
        self.summary.setText(f"Training on the {'GPU' if device == 'cuda' else 'CPU'} now.")
        if self._resume:
            self._resume = False
            self.play()

    def _show_play(self) -> None:
        self.play_button.setText("❚❚ Pause" if self.playing else "▶ Play")

    def _show_epoch(self) -> None:
        self.epoch_label.setText(f"Epoch {self.epoch:,}".replace(",", " "))
        self.rate_label.setText(f"{self.rate:.0f} epochs/s" if self.training and self.rate else "")

    # -- snapshots from the worker ----------------------------------------------------------
    def _show_snapshot(self, snap: Snapshot) -> None:
        info = snap.probes.get("variants")
        if info is None or info["token"] != self._token or self.error is not None:
            return  # a snapshot of a trainer that has been replaced
        self.epoch, self.rate, self.training = snap.epoch, snap.epochs_per_second, snap.playing
        if snap.reset:
            for xs, ys in self._series:
                xs.clear()
                ys.clear()
            for tile in self.tiles:
                tile.clear_rows()
        for tile, at in zip(self.tiles, info["diverged_at"], strict=False):
            tile.set_diverged(at)
        boundaries = snap.probes.get("variant_boundaries")
        if boundaries is not None:
            for tile, b in zip(self.tiles, boundaries, strict=False):
                tile.show_boundary(b)
        for tile, m in zip(self.tiles, info["latest"], strict=False):
            tile.set_metrics(m)
        rows = snap.metrics
        grew = rows is not None and len(rows) > 0
        if grew:  # one column per variant
            epochs = rows.epochs.astype(np.float64)
            for k, ((xs, ys), tile) in enumerate(zip(self._series, self.tiles, strict=False)):
                xs.append(epochs)
                ys.append(np.asarray(rows.test_loss[:, k], np.float64))
                tile.add_rows(epochs, rows.test_acc[:, k], rows.test_loss[:, k])
        if grew or snap.reset:
            self._draw_curves()
        self._show_epoch()

    def _draw_curves(self) -> None:
        for curve, (xs, ys) in zip(self.curves, self._series, strict=True):
            if len(xs) > 1:  # keep one array per curve
                xs[:] = [np.concatenate(xs)]
                ys[:] = [np.concatenate(ys)]
            if xs:
                curve.setData(xs[0], finite_or_nan(ys[0]))
            else:
                curve.setData([], [])
        self._fit_y()

    def _fit_y(self) -> None:
        """The y range of the variants still training: a diverged one's last, huge
        losses would flatten every other curve."""
        item = self.chart_plot
        live = [
            ys[0]
            for (_, ys), tile in zip(self._series, self.tiles, strict=False)
            if ys and tile.diverged_at is None
        ]
        values = np.concatenate(live) if live else np.zeros(0)
        values = values[np.isfinite(values)]
        if self.log_y.isChecked():
            values = values[values > 0]
        if not len(values):
            item.enableAutoRange(y=True)
            return
        lo, hi = float(values.min()), float(values.max())
        if self.log_y.isChecked():
            lo, hi = math.log10(lo), math.log10(hi)
            pad = max(0.05 * (hi - lo), 0.05)
            item.setYRange(lo - pad, hi + pad, padding=0)
        else:
            lo = min(lo, 0.0)
            item.setYRange(lo, hi + max(0.05 * (hi - lo), 1e-6), padding=0)

    def _set_log_y(self, on: bool) -> None:
        self.chart_plot.setLogMode(y=on)
        self._fit_y()

    def test_loss(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Epochs and test losses drawn for variant k (as received, non-finite kept)."""
        xs, ys = self._series[k]
        if not xs:
            return np.zeros(0), np.zeros(0)
        return np.concatenate(xs), np.concatenate(ys)

    # -- life cycle ---------------------------------------------------------------------------
    def shutdown(self) -> bool:
        """Stop the worker and join its thread; True when none is left running."""
        if self.worker is None:
            return True
        return self.worker.shutdown()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.shutdown()
        super().closeEvent(event)
