"""Two (or more) saved runs side by side (issue #12, Classroom, L3): their loss or
accuracy curves on one chart against wall-clock seconds (or epochs), each run in its
own colour, train solid and test dashed. A saved run is the CSV that
``nodeplay train FILE --epochs N --metrics run.csv`` writes (engine.train.run_log).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.look.colours import CLASS_COLOURS
from app.views.style import fg, plot_widget
from engine.errors import NodeplayError
from engine.train.run_log import read_run, write_run

# not orange or blue: those mean class 0/1 and negative/positive everywhere else
RUN_COLOURS = [CLASS_COLOURS[i] for i in (2, 3, 7, 8)]
QUANTITIES = {"loss": ("train_loss", "test_loss", "loss"), "accuracy": ("train_acc", "test_acc", "accuracy")}
# S-GAN: a GAN's saved runs (engine.train.gan_metrics) add these, solid and dashed as named
GAN_QUANTITIES = {
    "KL / JS divergence": ("kl", "js", "divergence (nats)"),
    "D and G losses": ("d_loss", "g_loss", "loss"),
}
CURVE_NAMES = {"kl": "KL", "js": "JS", "d_loss": "D", "g_loss": "G"}  # else train / test
AXES = {"seconds": ("seconds", "wall-clock seconds"), "epoch": ("epoch", "epoch")}


class RunsWindow(QWidget):
    """The curves of the runs at ``paths`` on one chart; ``view_data`` their numbers."""

    view_name = "runs"

    def __init__(self, paths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Saved runs")
        self.runs = {Path(p).stem: read_run(p) for p in paths}  # refused in a sentence first
        if len(self.runs) < len(paths):
            raise NodeplayError("Two of the runs have the same file name; rename one of them.")
        self.quantity = QComboBox()
        self.quantity.addItems(list(QUANTITIES))
        self.quantity.addItems([q for q, (a, _, _) in GAN_QUANTITIES.items() if self._has(a)])
        self.quantity.setToolTip("The curves drawn: loss or accuracy, train solid and test dashed")
        self.axis = QComboBox()
        self.axis.addItems(list(AXES))
        self.axis.setToolTip("Along the bottom: wall-clock seconds since training began, or epochs")
        self.summary = QLabel("")
        row = QHBoxLayout()
        row.addWidget(QLabel("Show"))
        row.addWidget(self.quantity)
        row.addWidget(QLabel("against"))
        row.addWidget(self.axis)
        row.addWidget(self.summary, 1)
        self.plot = plot_widget("Saved runs", "wall-clock seconds", "loss")
        item = self.plot.getPlotItem()
        item.setTitle("Saved runs", color=fg(), size="11pt", justify="left")
        # the legend in one row of the title's band, right-aligned: never on the curves
        legend = item.addLegend(offset=None, labelTextColor=fg(), colCount=4)
        legend.setParentItem(item)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-8, 0))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.plot, 1)
        self.quantity.currentTextChanged.connect(self._draw)
        self.axis.currentTextChanged.connect(self._draw)
        self._draw()

    def _draw(self, *_changed) -> None:
        item = self.plot.getPlotItem()
        item.clear()
        train, test, label = {**QUANTITIES, **GAN_QUANTITIES}[self.quantity.currentText()]
        x_key, x_label = AXES[self.axis.currentText()]
        item.setLabel("bottom", x_label)
        item.setLabel("left", label)
        ends = []
        for i, (name, run) in enumerate(self.runs.items()):
            colour = RUN_COLOURS[i % len(RUN_COLOURS)]
            for key, style, what in (
                (train, Qt.PenStyle.SolidLine, CURVE_NAMES.get(train, "train")),
                (test, Qt.PenStyle.DashLine, CURVE_NAMES.get(test, "test")),
            ):
                if key in run and np.isfinite(run[key]).any():
                    item.plot(
                        run[x_key],
                        run[key],
                        pen=pg.mkPen(colour, width=2, style=style),
                        name=f"{name} {what}",
                    )
            ends.append(f"{name}: {run['epoch'][-1]:.0f} epochs in {run['seconds'][-1]:.3g} s")
        self.summary.setText("   ·   ".join(ends))
        item.enableAutoRange()

    def _has(self, key: str) -> bool:
        return any(key in run and np.isfinite(run[key]).any() for run in self.runs.values())

    def view_data(self) -> dict[str, np.ndarray]:
        return {f"{name}/{k}": v for name, run in self.runs.items() for k, v in run.items()}


class RunClock:
    """The window's run as a saved run: each epoch's metrics with the wall-clock seconds
    spent playing when its row arrived (pauses do not count), from the snapshots the
    window shows (``show_snapshot``); a reset starts a new run."""

    def __init__(self) -> None:
        self.rows: dict[int, list] = {}
        self.seconds = 0.0
        self._since: float | None = None  # when the last playing snapshot came

    def show_snapshot(self, snapshot) -> None:
        now = time.perf_counter()
        if snapshot.reset and snapshot.step == 0:
            self.rows, self.seconds = {}, 0.0
        if snapshot.playing and self._since is not None:
            self.seconds += now - self._since
        self._since = now if snapshot.playing else None
        m = snapshot.metrics
        for i, epoch in enumerate(m.epochs if m is not None else ()):
            self.rows.setdefault(
                int(epoch),
                [int(epoch), round(self.seconds, 4)]
                + [float(getattr(m, k)[i]) for k in ("train_loss", "test_loss", "train_acc", "test_acc")],
            )

    def save(self, path) -> int:
        """Write the rows so far as a saved run (engine.train.run_log); how many."""
        if not self.rows:
            raise NodeplayError("There is no run to save yet; press Play or Step first.")
        write_run(path, [self.rows[e] for e in sorted(self.rows)])
        return len(self.rows)


def add_runs_action(window, menu) -> None:
    """View › Compare saved runs…: choose two or more CSVs; the chart opens beside.
    View › Save this run…: the window's run (``window.run_clock``) as a CSV."""
    window.run_clock = clock = RunClock()

    def save() -> None:
        path, _ = QFileDialog.getSaveFileName(window, "Save this run", "run.csv", "Saved runs (*.csv)")
        if path:
            try:
                n = clock.save(path)
            except NodeplayError as err:
                window.show_error(str(err))
                return
            window.show_info(f"Saved {n} epochs of this run to {path}.")

    action = menu.addAction("&Save this run…", save)
    action.setToolTip("Each epoch's loss and accuracy with the seconds spent training, to compare later")

    def chosen() -> None:
        paths, _ = QFileDialog.getOpenFileNames(window, "Compare saved runs", "", "Saved runs (*.csv)")
        if paths:
            open_runs(window, paths)

    action = menu.addAction("Compare saved &runs…", chosen)
    action.setToolTip("Loss and accuracy of saved runs (nodeplay train --metrics) on one wall-clock chart")


def open_runs(window, paths) -> RunsWindow | None:
    if len(paths) < 2:
        window.show_error("Choose two or more saved runs to compare them.")
        return None
    try:
        runs = RunsWindow(paths)
    except NodeplayError as err:
        window.show_error(str(err))
        return None
    runs.resize(900, 560)
    runs.show()
    window.compare_windows.append(runs)  # kept alive while open, closed with the window
    return runs
