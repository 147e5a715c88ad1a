"""The ``polynomial-degree`` view (issue #12, L2): left, a 1-D regression set's points
with the least-squares polynomial of the chosen degree (and the trained network's curve);
right, training and validation error against degree on a log scale. The probe fits every
degree at once (closed form), so the Degree slider, or a click on the error plot, shows
another degree at once without asking the worker again."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QSlider, QSpinBox, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import BLUE, RIGHT, TEST_LINE, TRAIN_LINE, hex_colour, signed_rgb
from app.views.saving import SavingMenuMixin
from app.views.style import plot_widget
from engine.data.regression1d import SETS
from engine.probes.polynomial import MAX_DEGREE as TOP_LIMIT

PROBE = "polynomial-degree"
MAX_DEGREE = 12  # the highest degree fitted, until the Up to box says otherwise


class QtPolynomialDegree(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = PROBE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.fit_plot = plot_widget("Polynomial of the chosen degree", "x₁", "target y")
        self.error_plot = plot_widget("Error against degree", "degree", "mean squared error (log)")
        for plot in (self.fit_plot, self.error_plot):
            plot.setMinimumSize(150, 220)
            plot.addLegend(offset=(8, 8), brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen("#999"))
            plot.getPlotItem().showGrid(x=True, y=True, alpha=0.15)
        fit = self.fit_plot.getPlotItem()
        dark = pg.mkPen(hex_colour(TRAIN_LINE), width=0.8)
        self.train_points = pg.ScatterPlotItem(size=9, pen=dark, brush="#8fb3cc", name="train points")
        self.test_points = pg.ScatterPlotItem(size=8, pen=pg.mkPen("#9a9a9a"), brush="#d8e6ee", symbol="t")
        self.test_points.opts["name"] = "validation points"
        fit.addItem(self.train_points)
        fit.addItem(self.test_points)
        self.poly = fit.plot([], [], pen=pg.mkPen(hex_colour(RIGHT), width=3), name="polynomial fit")
        dash = pg.mkPen(hex_colour(TRAIN_LINE), width=1.5, style=Qt.PenStyle.DashLine)
        self.network = fit.plot([], [], pen=dash, name="trained network")
        err = self.error_plot.getPlotItem()
        err.setLogMode(y=True)
        self.train_error = err.plot(
            [],
            [],
            pen=pg.mkPen(hex_colour(TRAIN_LINE), width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=hex_colour(TRAIN_LINE),
            name="training error",
        )
        self.val_error = err.plot(
            [],
            [],
            pen=pg.mkPen(hex_colour(TEST_LINE), width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=hex_colour(BLUE),
            name="validation error",
        )
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(hex_colour(RIGHT), width=2))
        err.addItem(self.marker)
        self.error_plot.scene().sigMouseClicked.connect(self._clicked)
        self.degree_slider = QSlider(Qt.Orientation.Horizontal)
        self.degree_slider.setRange(0, MAX_DEGREE)
        self.degree_slider.setValue(3)
        self.degree_slider.setPageStep(1)
        self.degree_slider.setMinimumWidth(150)
        self.degree_slider.setToolTip(
            "The polynomial's degree drawn on the left (or click on the error plot)."
        )
        self.degree_slider.valueChanged.connect(self._draw_degree)
        self.degree_label = QLabel()
        self.top_spin = QSpinBox()
        self.top_spin.setRange(2, TOP_LIMIT)
        self.top_spin.setValue(MAX_DEGREE)
        self.top_spin.setToolTip("The highest degree fitted: the error plot's right end.")
        self.top_spin.valueChanged.connect(self._top_changed)
        self.degree_label.setMinimumWidth(70)
        self.summary = QLabel("Press Step or Play to fit polynomials of every degree.")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(2 * self.summary.fontMetrics().lineSpacing() + 8)
        theme.follow(self.summary, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        plots = QHBoxLayout()
        plots.addWidget(self.fit_plot, 1)
        plots.addWidget(self.error_plot, 1)
        self.plots = plots
        bar = QHBoxLayout()
        bar.addWidget(self.degree_label)
        bar.addWidget(self.degree_slider, 1)
        bar.addWidget(QLabel("up to"))
        bar.addWidget(self.top_spin)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(plots, 1)
        layout.addLayout(bar)
        layout.addWidget(self.summary)  # its own row: it wraps wide in a narrow tab
        self._draw_degree(self.degree_slider.value())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # side by side when wide, one above the other in a narrow tab
        wide = event.size().width() >= 1.8 * event.size().height()
        direction = QBoxLayout.Direction.LeftToRight if wide else QBoxLayout.Direction.TopToBottom
        if self.plots.direction() != direction:
            self.plots.setDirection(direction)
        super().resizeEvent(event)

    def degree(self) -> int:
        return self.degree_slider.value()

    # -- the view protocol -----------------------------------------------------------
    def set_project(self, _project, _dataset) -> None:
        self.value = None
        for curve in (self.poly, self.network, self.train_error, self.val_error):
            curve.setData([], [])
        self.train_points.setData([], [])
        self.test_points.setData([], [])

    def note_for(self, _project, dataset) -> str | None:
        if getattr(dataset, "name", None) not in SETS:
            return (
                "Polynomial degree fits functions of x₁; choose reg-line, reg-sine or reg-cubic "
                "as the data, or open the polynomial-regression preset."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        return {PROBE: {"max_degree": self.top_spin.value()}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get(PROBE)
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        scale = float(np.abs(value["y_train"]).max()) or 1.0
        for scatter, split in ((self.train_points, "train"), (self.test_points, "test")):
            y = np.asarray(value[f"y_{split}"], np.float64)
            brushes = [pg.mkBrush(*map(int, c)) for c in signed_rgb(y / scale, pale=False)]
            scatter.setData(np.asarray(value[f"x_{split}"], np.float64), y, brush=brushes)
        degrees = np.asarray(value["degrees"], np.float64)
        self.train_error.setData(degrees, np.maximum(np.asarray(value["train_error"]), 1e-12))
        self.val_error.setData(degrees, np.maximum(np.asarray(value["val_error"]), 1e-12))
        if "trained_curve" in value:
            self.network.setData(np.asarray(value["grid"]), np.asarray(value["trained_curve"]))
        ys = np.concatenate([np.asarray(value["y_train"]), np.asarray(value["y_test"])])
        pad = 0.25 * float(np.ptp(ys) or 1.0)
        # the plot keeps to the data: a wild high-degree curve leaves it rather than flattening it
        self.fit_plot.getPlotItem().setRange(
            xRange=(float(value["grid"][0]), float(value["grid"][-1])),
            yRange=(ys.min() - pad, ys.max() + pad),
        )
        self._draw_degree(self.degree())

    def view_data(self) -> dict[str, np.ndarray]:
        if self.value is None:
            return {}
        data = {k: np.asarray(v) for k, v in self.value.items()}
        data["degree"] = np.int64(self.degree())
        return data

    # -- choosing a degree -------------------------------------------------------------
    def _draw_degree(self, degree: int) -> None:
        self.degree_label.setText(f"Degree {degree}")
        self.marker.setValue(degree)
        if self.value is None:
            return
        v = self.value
        curves = np.asarray(v["curves"])
        if degree >= len(curves):  # the slider's new end is on its way from the worker
            return
        self.poly.setData(np.asarray(v["grid"]), curves[degree])
        best = int(v["best_degree"])
        self.summary.setText(
            f"Degree {degree}: training error {float(v['train_error'][degree]):.4g}, validation "
            f"error {float(v['val_error'][degree]):.4g}.  Validation error is lowest at degree {best} "
            f"and {float(v['overfit_ratio']):.1f}× that at degree {len(v['degrees']) - 1}."
        )

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.error_plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        degree = int(round(vb.mapSceneToView(event.scenePos()).x()))
        self.degree_slider.setValue(min(max(degree, 0), self.degree_slider.maximum()))

    def _top_changed(self, top: int) -> None:
        self.degree_slider.setMaximum(top)
        self.subscriptionsChanged.emit()
