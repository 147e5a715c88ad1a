"""The ``regression-1d`` view (issue #12, L2): a 1-D regression set's points (filled:
train, hollow: test; coloured by target, orange negative, blue positive), the trained
network's curve over x₁ and the closed-form least-squares line beside it, with a ridge
slider λ. The line is recomputed here as the slider moves (a 2×2 solve) so that it
answers at once, paused or training; the probe sends the points and the trained curve."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import RIGHT, TRAIN_LINE, hex_colour, signed_rgb
from app.views.saving import SavingMenuMixin
from app.views.style import plot_widget
from engine.data.regression1d import EXTENT, SETS
from engine.probes.regression1d import ridge_line

PROBE = "regression-1d"
RIDGE_STEPS = 40  # slider positions past 0: λ = 10^(step/10 − 3), from 0.001 to 10


def ridge_of(step: int) -> float:
    return 0.0 if step <= 0 else 10.0 ** (step / 10.0 - 3.0)


class QtRegression1D(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = PROBE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.line = np.zeros(2)
        self.plot = plot_widget("Trained curve and least squares", "x₁", "target y")
        self.plot.setMinimumSize(280, 240)
        self.plot.addLegend(offset=(8, 8), brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen("#999"))
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.15)
        # default brushes and pens: what the legend shows (each point has its own colour)
        dark, light = pg.mkPen(hex_colour(TRAIN_LINE), width=0.8), pg.mkPen("#9a9a9a", width=0.8)
        self.train_points = pg.ScatterPlotItem(size=8, pen=dark, brush="#8fb3cc", name="train points")
        self.test_points = pg.ScatterPlotItem(
            size=7, pen=light, brush="#d8e6ee", symbol="t", name="test points"
        )
        item.addItem(self.train_points)
        item.addItem(self.test_points)
        self.trained = item.plot(
            [], [], pen=pg.mkPen(hex_colour(TRAIN_LINE), width=3), name="trained network"
        )
        dash = pg.mkPen(hex_colour(RIGHT), width=2.5, style=Qt.PenStyle.DashLine)
        self.closed = item.plot([], [], pen=dash, name="least squares (normal equations)")
        self.ridge_slider = QSlider(Qt.Orientation.Horizontal)
        self.ridge_slider.setRange(0, RIDGE_STEPS)
        self.ridge_slider.setPageStep(5)
        self.ridge_slider.setMinimumWidth(150)
        self.ridge_slider.setToolTip(
            "The ridge penalty λ on the least-squares line's slope: larger λ flattens the line."
        )
        self.ridge_slider.valueChanged.connect(self._ridge_moved)
        self.ridge_label = QLabel()
        self.ridge_label.setMinimumWidth(90)
        self.summary = QLabel("Press Step or Play to fit the points.")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(2 * self.summary.fontMetrics().lineSpacing() + 8)  # no jump
        theme.follow(self.summary, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        bar = QHBoxLayout()
        bar.addWidget(self.ridge_label)
        bar.addWidget(self.ridge_slider, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot, 1)
        layout.addLayout(bar)
        layout.addWidget(self.summary)  # its own row: it wraps wide in a narrow tab
        self._ridge_moved(0)

    def ridge(self) -> float:
        return ridge_of(self.ridge_slider.value())

    # -- the view protocol -----------------------------------------------------------
    def set_project(self, _project, _dataset) -> None:
        self.value = None
        for curve in (self.trained, self.closed):
            curve.setData([], [])
        self.train_points.setData([], [])
        self.test_points.setData([], [])
        self.summary.setText("Press Step or Play to fit the points.")

    def note_for(self, _project, dataset) -> str | None:
        if getattr(dataset, "name", None) not in SETS:
            return (
                "The 1-D regression view draws a function of x₁; choose reg-line, reg-sine or "
                "reg-cubic as the data, or open the linear-regression preset."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {PROBE: {"ridge": self.ridge()}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get(PROBE)
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        first = self.value is None
        self.value = value
        for scatter, split in ((self.train_points, "train"), (self.test_points, "test")):
            x, y = np.asarray(value[f"x_{split}"]), np.asarray(value[f"y_{split}"])
            scale = float(np.abs(value["y_train"]).max()) or 1.0
            colours = [pg.mkBrush(*map(int, c)) for c in signed_rgb(y / scale, pale=False)]
            scatter.setData(x, y, brush=colours)  # train: dark rim; test: triangles, light rim
        self.trained.setData(np.asarray(value["grid"]), np.asarray(value["trained_curve"]))
        self._draw_line()
        if first:
            self.plot.getPlotItem().enableAutoRange()

    def view_data(self) -> dict[str, np.ndarray]:
        if self.value is None:
            return {}
        data = {k: np.asarray(v) for k, v in self.value.items()}
        data["ridge"] = np.float64(self.ridge())
        data["ridge_line"] = self.line.copy()
        return data

    # -- the ridge slider --------------------------------------------------------------
    def _ridge_moved(self, step: int) -> None:
        self.ridge_label.setText(f"Ridge λ = {ridge_of(step):.3g}")
        self._draw_line()
        self.subscriptionsChanged.emit()

    def _draw_line(self) -> None:
        if self.value is None:
            return
        self.line = ridge_line(self.value["x_train"], self.value["y_train"], self.ridge())
        xs = np.array([-EXTENT, EXTENT])
        self.closed.setData(xs, self.line[0] * xs + self.line[1])
        v = self.value
        self.summary.setText(
            f"Least squares: y = {self.line[0]:.3f}·x₁ + {self.line[1]:.3f} (λ = {self.ridge():.3g}).  "
            f"Training MSE: network {float(v['trained_mse']):.4f}, normal equations "
            f"{float(v['normal_mse']):.4f}."
        )
