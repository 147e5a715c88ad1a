"""The ``loss-surface`` view (issue #12, L2): the mean squared error of a line
y = w·x₁ + b as contours over (w, b), with the paths of full-batch gradient descent,
mini-batch SGD and SGD with momentum from the same start (the probe runs them side by
side). A click on the plot moves the start there; the Epochs box sets how far they go.
The summary gives each path's straightness: SGD zig-zags where GD goes straight."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import BLUE, CLASS_COLOURS, TRAIN_LINE, hex_colour
from app.views.saving import SavingMenuMixin
from app.views.style import plot_widget
from engine.data.regression1d import SETS

PROBE = "loss-surface"
PATHS = (  # name, legend, colour, width
    ("gd", "full-batch GD", TRAIN_LINE, 3.0),
    ("sgd", "mini-batch SGD", BLUE, 1.5),
    ("momentum", "SGD + momentum 0.9", CLASS_COLOURS[3], 1.5),
)
GROUND = np.array([[255, 255, 255], [190, 200, 208]], np.float64)  # low loss light, high loss grey


class QtLossSurface(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()
    view_name = PROBE

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: dict | None = None
        self.start = (-1.0, 1.5)  # offset of the start from the optimum (the probe's default)
        self.plot = plot_widget("Loss over (w, b) and three paths", "weight w", "bias b")
        self.plot.setMinimumSize(280, 260)
        item = self.plot.getPlotItem()
        self.ground = pg.ImageItem()
        item.addItem(self.ground)
        self.contours = item.plot([], [], pen=pg.mkPen("#8a96a0", width=1), connect="finite")
        self.plot.addLegend(offset=(-8, 8), brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen("#999"))
        self.paths = {
            name: item.plot(
                [],
                [],
                pen=pg.mkPen(hex_colour(rgb), width=width),
                name=label,
                symbol="o",
                symbolSize=3 if name != "gd" else 6,
                symbolBrush=hex_colour(rgb),
                symbolPen=None,
            )
            for name, label, rgb, width in PATHS
        }
        self.marks = pg.ScatterPlotItem(size=12, pen=pg.mkPen("#222", width=1.5))
        item.addItem(self.marks)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        self.epochs_spin = QSpinBox()
        self.epochs_spin.setRange(1, 100)
        self.epochs_spin.setValue(10)
        self.epochs_spin.setToolTip("How many passes over the training points each optimiser makes.")
        self.epochs_spin.valueChanged.connect(lambda _v: self.subscriptionsChanged.emit())
        self.summary = QLabel("Press Step or Play to draw the loss surface; click on it to start from there.")
        self.summary.setWordWrap(True)
        self.summary.setMinimumHeight(2 * self.summary.fontMetrics().lineSpacing() + 8)  # no jump
        theme.follow(self.summary, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 4px;"))
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Epochs"))
        bar.addWidget(self.epochs_spin)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.plot, 1)
        layout.addLayout(bar)
        layout.addWidget(self.summary)  # its own row: it wraps wide in a narrow tab

    # -- the view protocol -----------------------------------------------------------
    def set_project(self, _project, _dataset) -> None:
        self.value = None
        for curve in (self.contours, *self.paths.values()):
            curve.setData([], [])
        self.marks.setData([], [])
        self.ground.clear()

    def note_for(self, _project, dataset) -> str | None:
        if getattr(dataset, "name", None) not in SETS:
            return (
                "The loss surface draws a line's two parameters; choose reg-line, reg-sine or "
                "reg-cubic as the data, or open the sgd-vs-gd preset."
            )
        return None

    def subscriptions(self) -> dict[str, dict]:
        dw, db = self.start
        return {PROBE: {"epochs": self.epochs_spin.value(), "start_w": dw, "start_b": db}}

    def show_snapshot(self, snapshot) -> None:
        value = (getattr(snapshot, "probes", None) or {}).get(PROBE)
        if value is not None and value is not self.value:
            self.show_value(value)

    def show_value(self, value: dict) -> None:
        self.value = value
        w, b, loss = (np.asarray(value[k], np.float64) for k in ("w", "b", "loss"))
        shade = np.log(loss - loss.min() + 1e-9)
        lo, hi = np.percentile(shade, [1, 99])
        t = np.clip((shade - lo) / ((hi - lo) or 1.0), 0, 1)
        rgb = GROUND[0] + t[..., None] * (GROUND[1] - GROUND[0])
        self.ground.setImage(rgb.astype(np.uint8), levels=(0, 255))
        self.ground.setRect(QRectF(w[0], b[0], w[-1] - w[0], b[-1] - b[0]))
        contours = np.asarray(value["contours"], np.float64)
        self.contours.setData(contours[:, 0], contours[:, 1], connect="finite")
        for name, curve in self.paths.items():
            path = np.asarray(value[f"path_{name}"], np.float64)
            curve.setData(path[:, 0], path[:, 1])
        start, best = np.asarray(value["start"]), np.asarray(value["optimum"])
        spots = [
            {"pos": start, "symbol": "s", "brush": pg.mkBrush("#ffffff")},
            {"pos": best, "symbol": "star", "brush": pg.mkBrush("#222222"), "size": 16},
        ]
        if "trained" in value:  # the window's own network, where it is now
            spots.append({"pos": np.asarray(value["trained"]), "symbol": "d", "brush": pg.mkBrush(*BLUE)})
        self.marks.setData(spots)
        self.plot.getPlotItem().setRange(xRange=(w[0], w[-1]), yRange=(b[0], b[-1]), padding=0)
        s = {name: float(value[f"{name}_straightness"]) for name, *_ in PATHS}
        d = {name: float(value[f"{name}_distance"]) for name, *_ in PATHS}
        self.summary.setText(
            "Straightness (start-to-end distance / path length): "
            f"GD {s['gd']:.2f}, SGD {s['sgd']:.2f}, momentum {s['momentum']:.2f}.  "
            f"Distance left to the optimum ★: GD {d['gd']:.3f}, SGD {d['sgd']:.3f}, "
            f"momentum {d['momentum']:.3f}.  Click to start elsewhere."
        )

    def view_data(self) -> dict[str, np.ndarray]:
        if self.value is None:
            return {}
        return {k: np.asarray(v) for k, v in self.value.items()}

    # -- a click moves the start -------------------------------------------------------
    def _clicked(self, event) -> None:
        if self.value is None or event.button() != Qt.MouseButton.LeftButton:
            return
        item = self.plot.getPlotItem()
        if not item.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = item.vb.mapSceneToView(event.scenePos())
        best = np.asarray(self.value["optimum"], np.float64)
        self.start = (float(point.x() - best[0]), float(point.y() - best[1]))
        self.summary.setText(f"Starting from w = {point.x():.3f}, b = {point.y():.3f}: computing the paths…")
        self.subscriptionsChanged.emit()
