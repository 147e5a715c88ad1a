"""The decision boundary as a heatmap over the input plane, with the data on top.

Colours (app.look.colours) follow TF Playground: orange is -1 (class 0), white is 0,
blue is +1 (class 1). The boundary grid's row index is y ascending and its column index x
ascending, which is pyqtgraph's row-major image order with the y axis pointing up.
The plot keeps its data square by making its view box square (margins take up the
rest of the widget, on the widget's own white), so no empty bands show beside it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.look import theme
from app.look.colours import (
    BLUE,
    CLASS_COLOURS,
    FIELD_STOPS,
    ORANGE,
    PALE,
    POINT_STOPS,
    WHITE,
)
from app.look.colours import mix as _mix
from app.views.point_sample import COLOUR_LEVELS, MAX_SHOWN, sample_note, shared_brushes, shown_indices
from app.views.saving import SavingMenuMixin
from app.views.style import fg, plot_widget
from engine.train.events import Snapshot

RESOLUTIONS = [50, 100, 200, 256]

# The points use full colours; the heatmap is paler so that the points stand out.
POINT_MAP = pg.ColorMap([0.0, 0.5, 1.0], list(POINT_STOPS))
FIELD_MAP = pg.ColorMap([0.0, 0.5, 1.0], list(FIELD_STOPS))


def class_brushes(labels: np.ndarray) -> list:
    palette = np.array([pg.mkBrush(*c) for c in CLASS_COLOURS], object)  # one brush per class
    return list(palette[np.ravel(labels).astype(np.int64) % len(CLASS_COLOURS)])


def class_field_rgb(probs: np.ndarray, discrete: bool = False) -> np.ndarray:
    """(H, W, K) probabilities -> (H, W, 3) colours: the likeliest class's colour,
    paled towards white as the network grows unsure (1/K is white)."""
    k = probs.shape[2]
    palette = np.array([_mix(c, t=PALE) for c in CLASS_COLOURS], np.float32)[np.arange(k) % 10]
    best = probs.argmax(2)
    if discrete:
        sure = np.ones((*best.shape, 1), np.float32)
    else:
        sure = np.clip((probs.max(2, keepdims=True) - 1 / k) / (1 - 1 / k), 0, 1)
    rgb = palette[best] * sure + np.array(WHITE, np.float32) * (1 - sure)
    return rgb.astype(np.uint8)


def point_brushes(values: np.ndarray) -> list:
    """One brush per point; ``values`` in [-1, 1]."""
    steps = np.round((np.clip(values, -1, 1) + 1) / 2 * (COLOUR_LEVELS - 1)) / (COLOUR_LEVELS - 1)
    return shared_brushes(POINT_MAP.map(steps, mode="byte"))  # one brush per colour


def dataset_brushes(y: np.ndarray, classes: int | None) -> list:
    if classes is not None and classes > 2:
        return class_brushes(y)
    return point_brushes(to_signed(y, classes))


def to_signed(y: np.ndarray, classes: int | None) -> np.ndarray:
    """Labels or targets as values in [-1, 1]: class 1 is +1 (blue), class 0 is -1."""
    y = np.asarray(y, np.float64).reshape(len(y), -1)[:, 0]
    return y * 2 - 1 if classes == 2 else y


def boundary_field(boundary: np.ndarray) -> np.ndarray:
    """A (H, W) field in [-1, 1]; K-class probabilities become 2p(class 1) - 1."""
    if boundary.ndim == 3:
        return boundary[..., 1] * 2 - 1 if boundary.shape[2] > 1 else boundary[..., 0]
    return boundary


class RasterImageItem(pg.ImageItem):
    """An ImageItem whose colour-mapped picture is turned into a plain 32-bit image once
    per new field: Qt scales pyqtgraph's indexed (colour-table) image about eight
    times slower, and it does so on every repaint of the plot."""

    def render(self, *args, **kwargs):
        super().render(*args, **kwargs)
        image = self.qimage
        if image is not None and image.format() != QImage.Format.Format_ARGB32_Premultiplied:
            self.qimage = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)


class QtBoundaryView(SavingMenuMixin, QWidget):
    resolutionChanged = Signal(int)
    subscriptionsChanged = Signal()
    view_name = "boundary"

    def __init__(self, dataset=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot_widget("Output", "x1", "x2")
        item = self.plot.getPlotItem()
        item.setAspectLocked(True)
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.disableAutoRange()
        self.image = RasterImageItem(axisOrder="row-major")
        self.image.setColorMap(FIELD_MAP)
        self.image.setLevels((-1.0, 1.0))
        item.addItem(self.image)
        self.colour_bar = pg.ColorBarItem(
            values=(-1, 1), colorMap=FIELD_MAP, interactive=False, width=14, label=""
        )
        self.colour_bar.setImageItem(self.image, insert_in=item)
        theme.follow(
            self.colour_bar,
            lambda bar, t: (bar.getAxis("right").setTextPen(t.text), bar.getAxis("right").setPen(t.axis)),
        )
        self.train_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=1.2))
        self.test_points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("#111", width=1.2))
        for points in (self.train_points, self.test_points):
            # S-GUI: the points stay put while the field under them changes every frame;
            # a cached picture of them is blitted instead of drawn again (a quarter of
            # the plot's repaint at 60 Hz)
            points.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item.addItem(points)

        self.show_test = QCheckBox("show test data")
        self.show_test.toggled.connect(self._show_test)
        self.show_test.setToolTip("Also draw the test points, outlined in black.")
        self.resolution_combo = QComboBox()
        for size in RESOLUTIONS:
            self.resolution_combo.addItem(f"{size}×{size}", size)
        self.resolution_combo.setCurrentIndex(RESOLUTIONS.index(100))
        self.resolution_combo.setToolTip("Resolution of the heatmap")
        self.resolution_combo.currentIndexChanged.connect(
            lambda i: self.resolutionChanged.emit(self.resolution_combo.itemData(i))
        )
        self.resolutionChanged.connect(lambda _size: self.subscriptionsChanged.emit())
        self.discrete = QCheckBox("discretize output")
        self.discrete.toggled.connect(self.set_discretize)
        self.discrete.setToolTip("Colour the plane by the predicted class only, not by confidence.")
        self.sample_note = QLabel("")  # when the points are a sample of a huge set
        self.sample_note.setVisible(False)
        self.sample_note.setWordWrap(True)  # on a row of its own: the window must not grow (S-OPEN)
        self.sample_note.setContentsMargins(6, 0, 6, 0)
        self.key = QLabel("")
        # a row of its own: beside the controls it wrapped to three lines at 1280x800
        self.key.setWordWrap(True)  # the plot may be narrow: the key wraps, the window need not grow
        self.key.setContentsMargins(6, 0, 6, 0)
        top = QHBoxLayout()
        top.setContentsMargins(6, 0, 6, 0)
        top.addWidget(self.resolution_combo)
        top.addWidget(self.discrete)
        top.addWidget(self.show_test)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.key)
        layout.addWidget(self.sample_note)
        layout.addWidget(self.plot, 1)
        self.extent = 6.0
        self.discretize = False
        self._boundary: np.ndarray | None = None
        self._override: np.ndarray | None = None  # a neuron's map while it is hovered
        self.test_points.setVisible(False)
        self._test_data = None  # (xy, brushes) for test_points, styled when first shown
        self._margins = item.getContentsMargins()  # the plot item's own; _square adds to them
        self._extra = (0.0, 0.0)  # added on each side: (left and right, top and bottom)
        item.getViewBox().sigResized.connect(self._square)
        if dataset is not None:
            self.set_dataset(dataset)

    # -- the registry's view protocol (app.views.registry) ----------------------------
    def set_project(self, _project, dataset) -> None:
        self.set_dataset(dataset)

    def subscriptions(self) -> dict[str, dict]:
        return {"boundary": {"size": self.resolution}}

    def view_data(self) -> dict:
        """The output grid (row i is x2 ascending, column j x1 ascending) and its extent."""
        if self._boundary is None:
            return {}
        return {"boundary": self._boundary, "extent": np.float32(self.extent)}

    def set_dataset(self, dataset) -> None:
        self._boundary = None
        self._test_data = None
        self.extent = float(dataset.extent)
        regression = dataset.classes is None
        self.key.setText(_key_html(regression, dataset.classes))
        self.colour_bar.setVisible(not (dataset.classes or 0) > 2)
        self.colour_bar.axis.setLabel(
            "predicted value" if regression else "class 0   ←   output   →   class 1", color=fg()
        )
        for scatter, x, y in (
            (self.train_points, dataset.x_train, dataset.y_train),
            (self.test_points, dataset.x_test, dataset.y_test),
        ):
            x = np.asarray(x)
            if x.ndim != 2 or x.shape[1] != 2:
                scatter.clear()
                continue
            idx = shown_indices(len(x))  # a million points: an even sample, and a note
            if idx is not None:
                x, y = x[idx], np.asarray(y)[idx]
            if scatter is self.test_points and not self.show_test.isChecked():
                # pyqtgraph styles every spot (~10 µs each): the hidden split waits until shown,
                # so opening the largest set costs one split, not two (issue #14)
                self._test_data = (x, y, dataset.classes)
                scatter.clear()
                continue
            scatter.setData(x[:, 0], x[:, 1], brush=dataset_brushes(y, dataset.classes))
        n = len(dataset.x_train)
        self.sample_note.setText(sample_note(min(n, MAX_SHOWN), n, "training points"))
        self.sample_note.setVisible(n > MAX_SHOWN)
        self._fit()

    def _show_test(self, on: bool) -> None:
        if on and self._test_data is not None:
            x, y, classes = self._test_data
            self._test_data = None
            self.test_points.setData(x[:, 0], x[:, 1], brush=dataset_brushes(y, classes))
        self.test_points.setVisible(on)

    def _square(self, *_args) -> None:
        """Give the view box equal width and height: the wider side gets margins on
        both ends, so the square plane fills the box and sits in the middle."""
        item = self.plot.getPlotItem()
        box = item.getViewBox()
        dx, dy = self._extra
        w, h = box.width() + 2 * dx, box.height() + 2 * dy  # the box without margins
        if w <= 0 or h <= 0:
            return
        side = min(w, h)
        extra = ((w - side) / 2, (h - side) / 2)
        if abs(extra[0] - dx) < 0.5 and abs(extra[1] - dy) < 0.5:
            return  # converged: setting margins again would only resize it back
        self._extra = extra
        left, top, right, bottom = self._margins
        item.setContentsMargins(left + extra[0], top + extra[1], right + extra[0], bottom + extra[1])

    def _fit(self) -> None:
        e = self.extent
        self.image.setRect(QRectF(-e, -e, 2 * e, 2 * e))
        self.plot.getPlotItem().setRange(xRange=(-e, e), yRange=(-e, e), padding=0)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.boundary is None:
            return
        if snapshot.extent != self.extent:
            self.extent = float(snapshot.extent)
            self._fit()
            self.image.clear()
        self._boundary = snapshot.boundary
        self._draw()

    def set_discretize(self, on: bool) -> None:
        """Show the predicted class (or sign) only, as TF Playground's toggle does."""
        self.discretize = bool(on)
        if self._boundary is not None:
            self._draw()

    @property
    def resolution(self) -> int:
        return int(self.resolution_combo.currentData())

    def show_override(self, field: np.ndarray | None, title: str = "") -> None:
        """Draw ``field`` (values in [-1, 1]) instead of the output, or go back to it."""
        self._override = field
        self.plot.getPlotItem().setTitle(title or "Output", color=fg(), size="11pt")
        if field is not None or self._boundary is not None:
            self._draw()

    def _draw(self) -> None:
        b = self._boundary if self._override is None else self._override
        if b.ndim == 3 and b.shape[2] > 2:
            field = class_field_rgb(b, self.discretize)
            levels = (0, 255)
        else:
            field = boundary_field(b)
            if self.discretize:
                field = np.where(field >= 0, 1.0, -1.0).astype(np.float32)
            levels = (-1.0, 1.0)
        placed = self.image.image is not None and self.image.image.shape == field.shape
        self.image.setImage(field, autoLevels=False, levels=levels)
        if not placed:  # the rectangle maps pixels to the plane, so it needs the size
            self.image.setRect(QRectF(-self.extent, -self.extent, 2 * self.extent, 2 * self.extent))


def _swatch(rgb) -> str:
    return f'<span style="color: rgb{tuple(rgb)}; font-size: 14pt;">■</span>'


def _key_html(regression: bool, classes: int | None = 2) -> str:
    if classes is not None and classes > 2:
        swatches = " &nbsp; ".join(f"{_swatch(CLASS_COLOURS[c])} {c}" for c in range(classes))
        return f"class {swatches} &nbsp; (background: the likeliest class)"
    if regression:
        return (
            f"{_swatch(ORANGE)} −1 &nbsp; {_swatch(WHITE)} 0 &nbsp; {_swatch(BLUE)} +1 "
            "&nbsp; (points: target value)"
        )
    return (
        f"{_swatch(ORANGE)} class 0 &nbsp; {_swatch(BLUE)} class 1 &nbsp; (background: the network's output)"
    )
