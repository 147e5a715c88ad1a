"""How one hidden layer bends the input plane: the images of a square grid's lines
and of the training points in that layer's space (engine.probes.neurons.hidden_space).

The grid is one curve (its polylines joined by breaks) and the points one scatter,
both updated in place. The axes keep a fixed range for bounded activations and a
range that only grows otherwise, so that the animation does not jitter. A layer of
three units is drawn in 3-D (VispyHiddenSpace3D, made when first needed) where the
platform has OpenGL; otherwise, and for projections, its first two coordinates.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.views.boundary_view import CLASS_COLOURS, POINT_MAP
from app.views.point_sample import shared_brushes, shown_indices
from app.views.saving import SavingMenuMixin
from app.views.style import fg, layer_bar, plot_widget
from engine.train.events import Snapshot

LINE_PEN = (150, 150, 150)
RANGES = {
    "tanh": (-1.05, 1.05),
    "sine": (-1.05, 1.05),
    "sigmoid": (-0.05, 1.05),
    "step": (-0.05, 1.05),
}  # fixed ranges of bounded activations (raw coordinates)
NOTE_3D = "3-D: first two of three coordinates shown"
NOTE_PCA = "{units} units: their first two principal axes shown"
NOTE_NO_GL = "no OpenGL here: first two of three units shown"


class QtHiddenSpaceView(SavingMenuMixin, QWidget):
    layerChosen = Signal(str)  # the Activation node id whose space should be shown
    subscriptionsChanged = Signal()
    view_name = "hidden"

    def __init__(self, graph=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot_widget()
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.disableAutoRange()
        item.setAspectLocked(True)  # the layer's space is not stretched
        self.lines = pg.PlotCurveItem(pen=pg.mkPen(LINE_PEN, width=1), connect="finite", antialias=True)
        self.points = pg.ScatterPlotItem(
            size=6, pen=pg.mkPen("w", width=0.8), brush=pg.mkBrush(120, 120, 120)
        )
        item.addItem(self.lines)
        item.addItem(self.points)

        self.combo, self.note, top = layer_bar("The hidden layer whose space is drawn", (6, 0, 6, 0))
        self.combo.currentIndexChanged.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.plot)
        layout.addWidget(self.stack, 1)
        self.view3d = None  # VispyHiddenSpace3D, made when a 3-unit layer is first shown

        self._fns: dict[str, str] = {}  # activation id -> its function
        self._units: dict[str, int | None] = {}  # activation id -> its layer's units
        self._rgba: np.ndarray | None = None  # (N, 4) bytes: the points' colours
        self._labels: np.ndarray | None = None
        self._classes: int | None = None
        self._brushes: list | None = None
        self._range: tuple[float, float, float, float] | None = None  # grown range
        self._hidden: dict | None = None  # the latest hidden space shown
        self.layerChosen.connect(lambda _node: self.subscriptionsChanged.emit())
        self._bounds: np.ndarray | None = None  # (3, 2) grown range of the 3-D view
        self._axes: tuple | None = None
        self._title: str = ""
        if graph is not None:
            self.set_graph(graph)

    # -- the registry's view protocol (app.views.registry) ----------------------------
    def set_project(self, project, dataset) -> None:
        self.set_graph(project.graph)
        self.set_labels(dataset.y_train, dataset.classes)

    def note_for(self, project, dataset) -> str | None:
        from app.views.sample_grid import hidden_note

        return hidden_note(dataset, project.graph)

    def subscriptions(self) -> dict[str, dict]:
        layer = self.current_layer()
        return {"hidden": {"node": layer}} if layer is not None else {}

    def view_data(self) -> dict:
        """The chosen layer's images of the grid lines and of the training points."""
        if not self._hidden:
            return {}
        return {
            k: np.asarray(v)
            for k, v in self._hidden.items()
            if isinstance(v, np.ndarray | list | int | float)
        }

    # -- layers -------------------------------------------------------------------
    def set_graph(self, graph) -> None:
        """List the graph's Activation nodes (left to right). The chosen layer stays
        when it is still there, else the last hidden layer is chosen; layerChosen
        fires when the choice changes."""
        before = self.current_layer()
        acts = sorted(
            (n for n in graph.nodes.values() if n.type == "Activation"), key=lambda n: (n.pos[0], n.pos[1])
        )
        self._fns = {n.id: n.params.get("fn", "tanh") for n in acts}
        self.combo.blockSignals(True)
        self.combo.clear()
        self._units = {n.id: _units_before(graph, n.id) for n in acts}
        for i, n in enumerate(acts, 1):
            units = self._units[n.id]
            size = f" ({units} unit{'s' if units != 1 else ''})" if units else ""
            self.combo.addItem(f"hidden layer {i}{size}", n.id)
        ids = [n.id for n in acts]
        self.combo.setCurrentIndex(ids.index(before) if before in ids else len(ids) - 1)
        self.combo.blockSignals(False)
        self.combo.setEnabled(bool(ids))
        now = self.current_layer()
        if now != before:
            self._reset_range()
            self.clear()
            if now is not None:
                self.layerChosen.emit(now)

    def current_layer(self) -> str | None:
        return self.combo.currentData() if self.combo.count() else None

    def layers(self) -> list[str]:
        return [self.combo.itemData(i) for i in range(self.combo.count())]

    def set_layer(self, node_id: str) -> None:
        i = self.combo.findData(node_id)
        if i >= 0:
            self.combo.setCurrentIndex(i)

    def _chosen(self, _index: int) -> None:
        self._reset_range()
        self.clear()
        layer = self.current_layer()
        if layer is not None:
            self.layerChosen.emit(layer)

    def clear(self) -> None:
        self.lines.setData([], [])
        self.points.clear()
        if self.view3d is not None:
            self.view3d.clear()
        self.note.setText("")
        self._use_3d(self._units.get(self.current_layer()) == 3, make=False)

    @property
    def is_3d(self) -> bool:
        return self.view3d is not None and self.stack.currentWidget() is self.view3d

    def _use_3d(self, want: bool, make: bool = True) -> bool:
        """Show the 3-D page when ``want`` and OpenGL allow it, else the 2-D plot; True
        when the 3-D page is shown. The page is made (when ``make``) only once a 3-D
        snapshot is to be drawn: a window holding a GL widget composes every repaint
        through OpenGL, which costs milliseconds a frame where GL is software."""
        if want and make and self.view3d is None:
            from app.views.hidden_view3d import VispyHiddenSpace3D, gl_available

            if gl_available():
                self.view3d = VispyHiddenSpace3D()
                self.stack.addWidget(self.view3d)
        page = self.view3d if want and self.view3d is not None else self.plot
        if self.stack.currentWidget() is not page:
            self.stack.setCurrentWidget(page)
        return page is not self.plot

    # -- data -------------------------------------------------------------------------
    def set_labels(self, y, classes: int | None = None) -> None:
        """The training points' labels (class indices) or targets, in hidden_space's
        point order. ``classes`` None guesses: few integer values are classes."""
        y = np.asarray(y)
        y = y.reshape(len(y), -1)[:, 0] if y.ndim > 1 else y
        if classes is None:
            values = np.unique(y)
            integral = np.issubdtype(y.dtype, np.integer) or np.all(np.mod(values, 1) == 0)
            classes = int(values.max()) + 1 if integral and len(values) <= 10 and values.min() >= 0 else None
        self._labels, self._classes = y, classes
        self._rgba = None  # every point's colour: made when the 3-D view first needs them
        # a huge set: an even sample of the points, one brush per colour (issue #14);
        # colouring only the sample keeps opening a million points off a frame's budget
        self._shown = shown_indices(len(y))
        self._brushes = shared_brushes(label_colours(y if self._shown is None else y[self._shown], classes))

    def show_snapshot(self, snapshot: Snapshot) -> None:
        hidden = snapshot.hidden
        if not hidden:
            return
        self._hidden = hidden
        lines = np.asarray(hidden["lines"], np.float64)
        points = np.asarray(hidden["points"], np.float64)
        dims = int(hidden["dims"])
        raw3 = dims == 3 and hidden.get("projection") != "pca"
        if self._use_3d(raw3):
            self._show_3d(hidden, lines, points)
            return
        # one curve: every polyline followed by a NaN break (connect="finite")
        n_lines, n_along, _ = lines.shape
        path = np.full((n_lines, n_along + 1, 2), np.nan)
        path[:, :n_along] = lines[..., :2]
        path = path.reshape(-1, 2)
        self.lines.setData(path[:, 0], path[:, 1])
        shown = getattr(self, "_shown", None)
        if shown is not None and self._labels is not None and len(points) == len(self._labels):
            points = points[shown]
        brushes = self._brushes if self._brushes is not None and len(self._brushes) == len(points) else None
        if brushes is not None:
            self.points.setData(points[:, 0], points[:, 1], brush=brushes)
        else:
            self.points.setData(points[:, 0], points[:, 1], brush=pg.mkBrush(120, 120, 120))
        self.note.setText(hidden_note_text(hidden, raw3))
        self._label_axes(hidden)
        self._fit(hidden, np.concatenate([path[:, :2], points[:, :2]]))

    def _show_3d(self, hidden: dict, lines: np.ndarray, points: np.ndarray) -> None:
        fn = self._fns.get(self.current_layer(), "")
        if fn in RANGES:
            bounds = np.array([RANGES[fn]] * 3, np.float64)
        else:
            xyz = np.concatenate([lines.reshape(-1, 3), points])
            xyz = xyz[np.isfinite(xyz).all(1)]
            if not len(xyz):
                return
            lo, hi = xyz.min(0), xyz.max(0)
            pad = 0.08 * max(float((hi - lo).max()), 1e-6)
            if self._bounds is None:
                bounds = np.stack([lo - pad, hi + pad], 1)
            else:  # grow only the sides the data left; a still box does not jitter
                old_lo, old_hi = self._bounds[:, 0], self._bounds[:, 1]
                bounds = np.stack(
                    [np.where(lo < old_lo, lo - pad, old_lo), np.where(hi > old_hi, hi + pad, old_hi)], 1
                )
        self._bounds = bounds
        self.note.setText("")
        title = f"{self.combo.currentText()}: {fn}"
        if self._rgba is None and self._labels is not None:
            self._rgba = label_colours(self._labels, self._classes)
        self.view3d.show_hidden(hidden, self._rgba, bounds, title=title)

    def _label_axes(self, hidden: dict) -> None:
        pca = hidden.get("projection") == "pca"
        units = int(hidden.get("units", hidden["dims"]))
        key = (pca, units)
        if key == self._axes:
            return
        self._axes = key
        name = "PC" if pca else "unit"
        y_label = f"{name} 2" if units > 1 else "(one unit: nothing across)"
        item = self.plot.getPlotItem()
        item.getAxis("bottom").setLabel(f"{name} 1", color=fg())
        item.getAxis("left").setLabel(y_label, color=fg())
        layer = self.current_layer()
        fn = self._fns.get(layer, "")
        title = f"{self.combo.currentText()}: {fn}" + (" (principal axes)" if pca else "")
        item.setTitle(title, color=fg(), size="10pt")

    def _fit(self, hidden: dict, xy: np.ndarray) -> None:
        fn = self._fns.get(self.current_layer(), "")
        if hidden.get("projection") != "pca" and fn in RANGES:
            lo, hi = RANGES[fn]
            x0, x1, y0, y1 = lo, hi, lo, hi
            if int(hidden.get("units", 2)) == 1:
                y0, y1 = -0.5, 0.5
        else:
            finite = xy[np.isfinite(xy).all(1)]
            if not len(finite):
                return
            (ax, ay), (bx, by) = finite.min(0), finite.max(0)
            if self._range is not None:
                px0, px1, py0, py1 = self._range
                if ax >= px0 and bx <= px1 and ay >= py0 and by <= py1:
                    return  # still inside: keep the range still
                ax, bx = min(ax, px0), max(bx, px1)
                ay, by = min(ay, py0), max(by, py1)
            span = max(bx - ax, by - ay, 1e-6)
            pad = 0.08 * span
            x0, x1, y0, y1 = ax - pad, bx + pad, ay - pad, by + pad
        new = (x0, x1, y0, y1)
        if new != self._range:
            self._range = new
            self.plot.getPlotItem().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _reset_range(self) -> None:
        self._range = None
        self._bounds = None
        self._axes = None


def hidden_note_text(hidden: dict, raw3: bool) -> str:
    """What the 2-D plot leaves out: the third unit of a 3-unit layer (no OpenGL), or
    the principal axes past the first two of a wider layer."""
    if raw3:
        return NOTE_NO_GL
    units = int(hidden.get("units", hidden["dims"]))
    if hidden.get("projection") == "pca" and units > 2:
        return NOTE_PCA.format(units=units)
    return ""


def label_colours(y: np.ndarray, classes: int | None) -> np.ndarray:
    """(N, 4) RGBA bytes per point, as the boundary view colours them: two classes
    and targets on the orange-white-blue map, more classes from CLASS_COLOURS."""
    if classes is not None and classes > 2:
        table = np.array([(*c, 255) for c in CLASS_COLOURS], np.uint8)
        return table[np.asarray(y).astype(int) % len(table)]
    values = np.asarray(y, np.float64) * (2 if classes is not None else 1) - (1 if classes is not None else 0)
    return np.asarray(POINT_MAP.map((np.clip(values, -1, 1) + 1) / 2, mode="byte"), np.uint8)


def _units_before(graph, act_id: str) -> int | None:
    """The units of the Dense node that feeds an Activation node, if one does."""
    edge = graph.incoming(act_id, "x")
    if edge is None:
        return None
    node = graph.nodes[edge.src]
    return node.params.get("units") if node.type == "Dense" else None


__all__ = ["NOTE_3D", "NOTE_NO_GL", "QtHiddenSpaceView", "label_colours"]
