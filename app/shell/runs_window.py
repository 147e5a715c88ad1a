"""Two (or more) saved runs side by side (issue #12, Classroom, L3): their loss or
accuracy curves on one chart against wall-clock seconds (or epochs), each run in its
own colour, train solid and test dashed. A saved run is the CSV that
``nodeplay train FILE --epochs N --metrics run.csv`` writes (engine.train.run_log).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.look.colours import CLASS_COLOURS
from app.views.style import fg, plot_widget
from engine.errors import NodeplayError
from engine.train.run_log import read_run

# not orange or blue: those mean class 0/1 and negative/positive everywhere else
RUN_COLOURS = [CLASS_COLOURS[i] for i in (2, 3, 7, 8)]
QUANTITIES = {"loss": ("train_loss", "test_loss", "loss"), "accuracy": ("train_acc", "test_acc", "accuracy")}
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
        train, test, label = QUANTITIES[self.quantity.currentText()]
        x_key, x_label = AXES[self.axis.currentText()]
        item.setLabel("bottom", x_label)
        item.setLabel("left", label)
        ends = []
        for i, (name, run) in enumerate(self.runs.items()):
            colour = RUN_COLOURS[i % len(RUN_COLOURS)]
            for key, style, what in (
                (train, Qt.PenStyle.SolidLine, "train"),
                (test, Qt.PenStyle.DashLine, "test"),
            ):
                if np.isfinite(run[key]).any():
                    item.plot(
                        run[x_key],
                        run[key],
                        pen=pg.mkPen(colour, width=2, style=style),
                        name=f"{name} {what}",
                    )
            ends.append(f"{name}: {run['epoch'][-1]:.0f} epochs in {run['seconds'][-1]:.3g} s")
        self.summary.setText("   ·   ".join(ends))
        item.enableAutoRange()

    def view_data(self) -> dict[str, np.ndarray]:
        return {f"{name}/{k}": v for name, run in self.runs.items() for k, v in run.items()}


def add_runs_action(window, menu) -> None:
    """View › Compare saved runs…: choose two or more CSVs; the chart opens beside."""

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
