"""Train and test loss (or accuracy) against epoch, fed from snapshots.

Rows are appended to growable numpy buffers (doubling), and the curves draw views of
them with clip-to-view and peak downsampling, so redrawing stays cheap after an hour
of training (millions of rows).

The axes move in round steps (``steady_range``) rather than with every row: a new
range makes pyqtgraph lay out and repaint both axes, which cost as much GUI time as
everything else in the window while training, and the GUI's time is the GIL the
worker trains with. Panning or zooming by hand stops the stepping until the plot's
"A" button or a new run.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import TEST_LINE, TRAIN_LINE, hex_colour
from app.views.axes import EpochAxis, LogAwareAxis
from app.views.curve_envelope import Envelope
from app.views.loss_terms import ExtraCurves
from app.views.saving import SavingMenuMixin
from app.views.style import fg, plot_widget
from engine.train.epoch_metrics import FROM_BATCHES, from_batches
from engine.train.events import Metrics, Snapshot

TRAIN_COLOUR = hex_colour(TRAIN_LINE)
TEST_COLOUR = hex_colour(TEST_LINE)
EMPTY_RANGE = ((0.0, 10.0), (0.0, 1.0))  # what a plot without rows shows (log: one decade)
# the curves redraw at most ~15 times a second (a curve over thousands of epochs moves
# little per frame, and its repaint costs as much as the boundary's); no row is dropped
REDRAW_MS = 66
SUMMARY_MS = 250  # the numbers above the curves change at most 4 times a second


def _step_below(value: float) -> float:
    """The largest 1, 2 or 5 times a power of ten that is <= ``value`` (> 0)."""
    power = 10.0 ** math.floor(math.log10(value))
    return max(m * power for m in (1, 2, 5) if m * power <= value * (1 + 1e-12))


def steady_range(lo: float, hi: float, fraction: float = 10.0) -> tuple[float, float]:
    """[lo, hi] widened to multiples of a round step about (hi - lo) / ``fraction``:
    the range then changes only when the data cross a step."""
    span = hi - lo if hi > lo else max(abs(hi), 1.0)
    step = _step_below(span / fraction)
    top = math.ceil(hi / step) * step
    bottom = math.floor(lo / step) * step
    return bottom, top if top > bottom else bottom + step


class _Series:
    """Growable x/y buffers for one curve, with the running bounds of its finite y
    (``lo``, ``hi``, ``lo_positive``: NaN before any), so fitting the axes never scans
    the whole history (millions of rows after a long run)."""

    def __init__(self, capacity: int = 4096) -> None:
        self.x = np.empty(capacity, np.float64)
        self.y = np.empty(capacity, np.float64)
        self.n = 0
        self.lo = self.hi = self.lo_positive = math.nan
        self.envelope = Envelope()  # S-GUI: what a redraw draws, however long the run

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        need = self.n + len(x)
        if need > len(self.x):
            size = max(need, 2 * len(self.x))
            self.x = np.concatenate([self.x[: self.n], np.empty(size - self.n)])
            self.y = np.concatenate([self.y[: self.n], np.empty(size - self.n)])
        self.x[self.n : need] = x
        self.y[self.n : need] = y
        self.n = need
        y = self.y[need - len(x) : need]
        y = y[np.isfinite(y)]
        if len(y):
            self.lo, self.hi = np.fmin(self.lo, y.min()), np.fmax(self.hi, y.max())
            if (y > 0).any():
                self.lo_positive = np.fmin(self.lo_positive, y[y > 0].min())

    def clear(self) -> None:
        self.n = 0
        self.lo = self.hi = self.lo_positive = math.nan
        self.envelope.clear()

    def shown(self) -> tuple[np.ndarray, np.ndarray]:
        """The points a redraw draws: every row, or the envelope of a long run."""
        return self.envelope.of(self.x, self.y, self.n)

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[: self.n], self.y[: self.n]


class QtLossPlot(SavingMenuMixin, QWidget):
    """Loss curves with a legend; ``log loss`` switches the y axis to a log scale. Its
    context menu is Nodeplay's (log scale, loss or accuracy, save), not pyqtgraph's."""

    subscriptionsChanged = Signal()  # metrics come with every snapshot: no probe
    view_name = "loss"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot_widget(
            "Loss", "epoch", "loss", axis_items={"bottom": EpochAxis("bottom"), "left": LogAwareAxis("left")}
        )
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)  # the right click opens our menu (menu_extra)
        item.setTitle("Loss", color=fg(), size="11pt", justify="left")  # the legend: right
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        item.disableAutoRange()  # steady_range moves the axes in steps
        self._follow = True  # False once the user pans or zooms
        self._range: tuple | None = None
        item.getViewBox().sigRangeChangedManually.connect(self._manual)
        item.autoBtn.clicked.connect(self._follow_again)  # after pyqtgraph's own slot
        # one row in the title's band, right-aligned: never on the curves
        legend = item.addLegend(offset=None, labelTextColor=fg(), colCount=2)
        legend.setParentItem(item)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-8, 0))
        legend.layout.setContentsMargins(0, 2, 0, 0)
        self.train = _Series()
        self.test = _Series()
        self.train_acc = _Series()
        self.test_acc = _Series()
        self.quantity = "loss"
        self.batch_metrics = False  # S-CNN: train figures from the epoch's batches (images)
        self._dirty = False
        self._drawn_at = -math.inf  # when the curves were last drawn (perf_counter)
        self.train_curve = item.plot(pen=pg.mkPen(TRAIN_COLOUR, width=2), name="train loss", connect="finite")
        self.test_curve = item.plot(pen=pg.mkPen(TEST_COLOUR, width=2), name="test loss", connect="finite")
        # the train curve is drawn in the theme's text colour: dark on light, light on dark
        theme.follow(
            self.train_curve,
            lambda c, t: c.setPen(pg.mkPen(TRAIN_COLOUR if t.name == "light" else t.text, width=2)),
            now=False,
        )
        for curve in (self.train_curve, self.test_curve):
            curve.setClipToView(True)
            curve.setDownsampling(auto=True, method="peak")
            # one min-max pair per pixel column draws the same envelope as pyqtgraph's
            # default five, and wide lines cost the GUI thread per segment
            curve.opts["autoDownsampleFactor"] = 1.0
        self.legend = legend
        self.extras = ExtraCurves(item, legend, _Series)  # G2: a VAE's recon and KL curves
        self._redraw = QTimer(self)
        self._redraw.setSingleShot(True)
        self._redraw.setInterval(REDRAW_MS)
        self._redraw.timeout.connect(self.flush)
        self._summary_text = ""
        self._live = False  # the last snapshot came while playing: the summary may wait
        self._summary_timer = QTimer(self)
        self._summary_timer.setSingleShot(True)
        self._summary_timer.setInterval(SUMMARY_MS)
        self._summary_timer.timeout.connect(self._show_summary)

        self.quantity_combo = QComboBox()
        self.quantity_combo.addItems(["loss", "accuracy"])
        self.quantity_combo.setToolTip("What the curves show; accuracy is for classification")
        self.quantity_combo.currentTextChanged.connect(self.set_quantity)
        self.log_y = QCheckBox("log scale")
        self.log_y.setToolTip("Show the loss on a logarithmic axis")
        self.log_y.toggled.connect(self.set_log_y)
        self.summary = QLabel("")
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setWordWrap(True)  # L1: wraps in a narrow column beside the lesson dock
        self.summary.setWordWrap(True)  # L1: wraps in a narrow column beside the lesson dock
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        top.addWidget(self.summary, 1)
        top.addWidget(self.quantity_combo)
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
        self._range = None
        self._fit()

    def _manual(self, *_args) -> None:
        self._follow = False

    def _follow_again(self) -> None:
        self.plot.getPlotItem().disableAutoRange()
        self._follow, self._range = True, None
        self._fit()

    def _fit(self) -> None:
        """Show every row: x from the first epoch to a round step past the last, y from
        0 (or the lowest value) to a round step above the highest (whole decades on a
        log axis, [0, 1] for accuracy). Set only when it changes."""
        train, test = self._pair()
        if not self._follow or not train.n:
            return
        x = train.x[: train.n]
        x0, x1 = float(x[0]), float(x[-1])
        x_range = steady_range(x0, x1, 8.0)
        x_range = (x0, max(x_range[1], x0 + 1.0))
        # a little room at both ends: pyqtgraph drops a tick label that sits on the edge,
        # so a short run would show no epoch numbers at its ends
        pad = 0.03 * (x_range[1] - x_range[0])
        x_range = (x_range[0] - pad, x_range[1] + pad)
        if self.quantity == "accuracy":
            y_range = (0.0, 1.0)
        else:
            shown = [train, test, *self.extras.series.values()]
            hi = float(np.fmax.reduce([s.hi for s in shown]))
            if self.log_y.isChecked():
                lo = float(np.fmin.reduce([s.lo_positive for s in shown]))
                if math.isnan(lo):
                    return
                y_range = (math.floor(math.log10(lo)), math.ceil(math.log10(hi)))
                if y_range[1] <= y_range[0]:
                    y_range = (y_range[0], y_range[0] + 1)
            else:
                lo = float(np.fmin.reduce([s.lo for s in shown]))
                if math.isnan(lo):
                    return
                y_range = steady_range(min(lo, 0.0), hi)
        if (x_range, y_range) != self._range:
            self._range = (x_range, y_range)
            self.plot.getPlotItem().setRange(xRange=x_range, yRange=y_range, padding=0)

    def set_quantity(self, quantity: str) -> None:
        """Show "loss" or "accuracy" (both are always recorded)."""
        self.quantity = quantity
        self.quantity_combo.setCurrentText(quantity)
        accuracy = quantity == "accuracy"
        item = self.plot.getPlotItem()
        item.setTitle("Accuracy" if accuracy else "Loss", color=fg(), size="11pt", justify="left")
        item.getAxis("left").setLabel(quantity, color=fg())
        train = f"train {quantity}" + (f" ({FROM_BATCHES})" if self.batch_metrics else "")
        self.legend.getLabel(self.train_curve).setText(train)
        self.legend.getLabel(self.test_curve).setText(f"test {quantity}")
        self.log_y.setEnabled(not accuracy)
        if accuracy:
            self.set_log_y(False)
        self._live = False  # the user's choice shows at once
        self._draw()

    def _pair(self) -> tuple[_Series, _Series]:
        if self.quantity == "accuracy":
            return self.train_acc, self.test_acc
        return self.train, self.test

    def clear(self) -> None:
        for series in (self.train, self.test, self.train_acc, self.test_acc):
            series.clear()
        self._dirty = False
        self.train_curve.setData([], [])
        self.test_curve.setData([], [])
        self.extras.clear()
        self._summary_text = ""
        self.summary.setText("")
        self._follow, self._range = True, None
        # the last run's range goes too: an empty plot shows a neutral one until rows come
        x_range, y_range = EMPTY_RANGE
        if self.log_y.isChecked():
            y_range = (-1.0, 0.0)
        self.plot.getPlotItem().setRange(xRange=x_range, yRange=y_range, padding=0)

    def append(self, metrics: Metrics) -> None:
        if not len(metrics):
            return
        x = metrics.epochs.astype(np.float64)
        self.train.extend(x, metrics.train_loss)
        self.test.extend(x, metrics.test_loss)
        self.train_acc.extend(x, metrics.train_acc)
        self.test_acc.extend(x, metrics.test_acc)
        self.extras.append(x, metrics.extra)
        regression = bool(np.isnan(metrics.train_acc[-1]))
        self.quantity_combo.setEnabled(not regression)
        if regression and self.quantity == "accuracy":
            self.set_quantity("loss")
        # S-GUI: drawn inside the frame that brings the rows (one window repaint per
        # frame), at most once per REDRAW_MS; the timer draws rows no frame followed
        if time.perf_counter() - self._drawn_at >= REDRAW_MS / 1000:
            self._draw()
        else:
            self._dirty = True
            if not self._redraw.isActive():
                self._redraw.start()

    def _draw(self) -> None:
        self._dirty = False
        self._drawn_at = time.perf_counter()
        train, test = self._pair()
        if not train.n:
            return
        self.train_curve.setData(*train.shown())
        self.test_curve.setData(*test.shown())
        self.extras.draw(self.quantity == "loss")
        self._fit()
        fmt = ".1%" if self.quantity == "accuracy" else ".4g"
        terms = self.extras.summary() if self.quantity == "loss" else ""
        self._summary_text = f"train {train.y[train.n - 1]:{fmt}}   test {test.y[test.n - 1]:{fmt}}" + (
            f"   {terms}" if terms else ""
        )
        # S-GUI: a new text lays out the plot, its splitter and the window again (the label
        # wraps), so it changes at most every SUMMARY_MS; the timer shows the last one
        if not (self._live and self._summary_timer.isActive()):
            self._show_summary()

    def _show_summary(self) -> None:
        if self.summary.text() != self._summary_text:
            self.summary.setText(self._summary_text)
            self._summary_timer.start()  # the next new text waits for it

    def flush(self) -> None:
        """Draw rows that are waiting for the next redraw."""
        if self._dirty:
            self._draw()

    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._live = snapshot.playing
        if snapshot.reset:
            self.clear()
        self.append(snapshot.metrics)

    # -- the registry's view protocol (app.views.registry) ----------------------------
    def set_project(self, _project, dataset) -> None:
        self.clear()
        # S-CNN: say where the train curve comes from (engine.train.epoch_metrics)
        self.batch_metrics = dataset is not None and from_batches(dataset)
        self.plot.setToolTip(
            f"The train curve is the {FROM_BATCHES}, weighted by their size, as training saw them; "
            "the test curve evaluates the whole test split after each epoch."
            if self.batch_metrics
            else "Both curves evaluate the whole split after each epoch."
        )
        self.set_quantity(self.quantity)

    def subscriptions(self) -> dict[str, dict]:
        return {}

    def view_data(self) -> dict:
        """Every row so far: epoch, train and test loss, train and test accuracy."""
        if not self.train.n:
            return {}
        return {
            "epoch": self.train.view()[0].astype(np.int64),
            "train_loss": self.train.view()[1],
            "test_loss": self.test.view()[1],
            "train_acc": self.train_acc.view()[1],
            "test_acc": self.test_acc.view()[1],
            **self.extras.view_data(),
        }

    def menu_extra(self, menu) -> None:
        log = menu.addAction("Log scale")
        log.setCheckable(True)
        log.setChecked(self.log_y.isChecked())
        log.toggled.connect(self.set_log_y)
        log.setEnabled(self.log_y.isEnabled())
        for quantity in ("loss", "accuracy"):
            action = menu.addAction(f"Show {quantity}", lambda q=quantity: self.set_quantity(q))
            action.setCheckable(True)
            action.setChecked(self.quantity == quantity)
            action.setEnabled(self.quantity_combo.isEnabled())
        menu.addAction("Fit to the data", self._follow_again)
