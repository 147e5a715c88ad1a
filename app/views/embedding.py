"""The feature embedding view: a chosen layer's features for every test sample, laid out
in 2-D by the "embedding" probe (engine.probes.embedding: PCA at once, then openTSNE
optimised progressively and warm-started on each refresh) and coloured by class.

All the work is the probe's, on the worker; this widget only moves points. Between two
layouts the points glide (a short interpolation on a timer) so a refresh reads as motion,
not a jump. A click on a point selects that test sample for every view; the selected
one wears a ring. While training is paused and the layout is unfinished, the view asks
the worker once for the rest.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from app.look import theme
from app.look.colours import class_rgb
from app.views.saving import SavingMenuMixin
from app.views.style import layer_bar, plot_widget

PROBE = "embedding"
GLIDE_FRAMES = 8  # frames a refresh's motion takes
GLIDE_MS = 30  # between frames
GLIDE_UP_TO = 10_000  # points; bigger sets jump to the new layout (each frame costs more)
SKIP_TYPES = ("Output", "LossSum")  # nodes whose output is a loss, not features


def graph_layers(graph) -> list[tuple[str, str]]:
    """(node id, label) of the layers an embedding can show, inputs first."""
    order = graph.topological_order()
    return [(n, f"{n} ({graph.nodes[n].type})") for n in order if graph.nodes[n].type not in SKIP_TYPES]


def default_layer(graph) -> str | None:
    """The layer feeding the one that feeds the first Output: the last features before
    the prediction, where classes separate most."""
    outputs = [n for n in graph.nodes.values() if n.type == "Output"]
    layers = [n for n, _ in graph_layers(graph)]
    for node in graph.nodes.values():  # a generative graph: its latent code's mean
        mean = graph.incoming(node.id, "mean") if node.type == "Sampling" else None
        if mean is not None and mean.src in layers:
            return mean.src
    for out in outputs:
        for edge in graph.edges:
            src = graph.nodes[edge.src]
            if edge.dst != out.id or src.type == "Input":
                continue
            before = [e.src for e in graph.edges if e.dst == src.id]
            if before and before[0] in layers:
                return before[0]
    return layers[-1] if layers else None


class QtEmbeddingView(SavingMenuMixin, QWidget):
    """The registry's "embedding" view."""

    subscriptionsChanged = Signal()
    sampleSelected = Signal(int)
    asked = Signal(str, object)  # probe, arguments: finish the layout while paused
    view_name = "embedding"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = plot_widget()
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setAspectLocked(True)
        item.hideAxis("left")
        item.hideAxis("bottom")
        self.points = pg.ScatterPlotItem(size=7, pen=None, hoverable=False)
        self.points.sigClicked.connect(self._clicked)
        self.ring = pg.ScatterPlotItem(size=16, pen=pg.mkPen((20, 20, 20), width=2), brush=None)
        item.addItem(self.points)
        item.addItem(self.ring)
        theme.follow(self.plot, lambda _w, t: self._restyle(t))
        self.legend = pg.LegendItem(offset=(-4, 4), colCount=1, labelTextSize="9pt")
        self.legend.setParentItem(item.getViewBox())

        self.combo, self.status, top = layer_bar("The layer whose features are laid out", (6, 0, 6, 0))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.currentIndexChanged.connect(self._chosen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)
        # V2 (issue #10): where the points were at the last finished layouts
        from app.views.embedding_trails import Trails

        self.trails = Trails(item, top)

        self._value: dict | None = None  # the latest probe value shown
        self._shown: np.ndarray | None = None  # positions on screen now
        self._from = self._to = None
        self._frame = 0
        self._brushes: list | None = None
        self._placed: list | None = None  # the brushes the scatter was last built with
        self._labels: np.ndarray | None = None
        self._selected: int | None = None
        self._asked_for: tuple | None = None  # (layer, iteration) already asked to go on
        self._playing = False  # as the latest snapshot said
        self._timer = QTimer(self)
        self._timer.setInterval(GLIDE_MS)
        self._timer.timeout.connect(self._glide)

    # -- the registry's view protocol (app.views.registry) ----------------------------
    def set_project(self, project, dataset) -> None:
        self._set_legend(dataset)
        before = self.current_layer()
        found = graph_layers(project.graph)
        ids = [n for n, _ in found]
        self.combo.blockSignals(True)
        self.combo.clear()
        for node_id, label in found:
            self.combo.addItem(label, node_id)
        keep = before if before in ids else default_layer(project.graph)
        self.combo.setCurrentIndex(ids.index(keep) if keep in ids else max(0, len(ids) - 1))
        self.combo.blockSignals(False)
        self.clear()
        if self.current_layer() != before:
            self.subscriptionsChanged.emit()

    def subscriptions(self) -> dict[str, dict]:
        layer = self.current_layer()
        return {PROBE: {"layer": layer}} if layer is not None else {}

    def show_snapshot(self, snapshot) -> None:
        value = snapshot.probes.get(PROBE)
        if snapshot.reset and value is None:
            self.clear()
        if value is not None and value.get("layer") == self.current_layer():
            self._playing = snapshot.playing
            self.show_value(value)
            self._ask_for_more(value)
        elif value is None:
            self._playing = snapshot.playing

    def answer(self, probe: str, value, error) -> None:
        ours = probe == PROBE and error is None and value is not None
        if ours and value.get("layer") == self.current_layer():
            self.show_value(value)
            self._ask_for_more(value)

    def _ask_for_more(self, value: dict) -> None:
        """Paused mid-layout: snapshots stop, so ask the worker for the next piece, once
        per piece, until the layout is done."""
        key = (value["layer"], value["iteration"])
        if value["done"]:  # the next refresh counts its iterations from 0 again
            self._asked_for = None
        if not self._playing and not value["done"] and key != self._asked_for:
            self._asked_for = key
            self.asked.emit(PROBE, {"layer": value["layer"]})

    def view_data(self) -> dict:
        """The layout (``coords`` (N, 2)), the layer's ``features`` (N, D) and ``labels``."""
        if self._value is None:
            return {}
        v = self._value
        return {"coords": v["coords"], "features": v["features"], "labels": v["labels"], **self.trails.data()}

    def note_for(self, project, dataset) -> str | None:
        if not graph_layers(project.graph):
            return "This graph has no layer whose features could be laid out."
        return None

    def _restyle(self, t) -> None:
        self.ring.setPen(pg.mkPen(t.text, width=2))
        # a faint outline in the text's colour: the dark class colours stay visible on a
        # dark ground
        outline = pg.mkColor(t.text)
        outline.setAlpha(70)
        self.points.setPen(pg.mkPen(outline, width=0.8))

    def _set_legend(self, dataset) -> None:
        from app.views.sample_grid import label_text

        self.legend.clear()
        classes = int(getattr(dataset, "classes", 0) or 0)
        if not 1 < classes <= 20:
            return
        text = theme.current().text
        for c, (r, g, b) in enumerate(class_rgb(np.arange(classes))):
            key = pg.ScatterPlotItem(
                size=8, pen=self.points.opts["pen"], brush=pg.mkBrush(int(r), int(g), int(b))
            )
            self.legend.addItem(key, f"<span style='color:{text}'>{label_text(dataset.name, c)}</span>")

    # -- layers ---------------------------------------------------------------------
    def layers(self) -> list[str]:
        return [self.combo.itemData(i) for i in range(self.combo.count())]

    def current_layer(self) -> str | None:
        return self.combo.currentData()

    def set_layer(self, layer: str) -> None:
        self.combo.setCurrentIndex(self.layers().index(layer))

    def _chosen(self, _index: int) -> None:
        self.clear()
        self.subscriptionsChanged.emit()

    # -- drawing ----------------------------------------------------------------------
    def clear(self) -> None:
        self._timer.stop()
        self._value = self._shown = self._from = self._to = None
        self._labels = self._brushes = self._placed = None
        self.points.clear()
        self.ring.clear()
        self.trails.clear()
        self.status.setText("waiting for the first layout…")

    def show_value(self, value: dict) -> None:
        """Move the points to the probe's layout ``value``."""
        coords = np.asarray(value["coords"], np.float64)
        labels = np.asarray(value["labels"])
        if (
            self._labels is None
            or len(self._labels) != len(labels)
            or not np.array_equal(self._labels, labels)
        ):
            self._labels = labels
            classes = labels.astype(np.int64)
            # one brush per class, shared by its points: making 10,000 brushes takes seconds
            table = [
                pg.mkBrush(int(r), int(g), int(b), 220) for r, g, b in class_rgb(np.arange(classes.max() + 1))
            ]
            self._brushes = [table[c] for c in np.maximum(classes, 0)]
            self._shown = None
        self._value = value
        self.trails.record(value)
        d = np.asarray(value["features"]).shape[1] if np.ndim(value["features"]) == 2 else 0
        stage = (
            "PCA"
            if value["stage"] == "pca"
            else f"t-SNE, iteration {value['iteration']} of {value['iterations']}"
        )
        self.status.setText(f"{len(coords)} test samples, {d} features: {stage}")
        if self._shown is None or len(self._shown) != len(coords) or len(coords) > GLIDE_UP_TO:
            self._timer.stop()
            self._place(coords)
            self.plot.getPlotItem().autoRange(padding=0.05)
            return
        self._from, self._to, self._frame = self._shown.copy(), coords, 0
        self._timer.start()

    def _glide(self) -> None:
        self._frame += 1
        t = min(1.0, self._frame / GLIDE_FRAMES)
        t = t * t * (3 - 2 * t)  # ease in and out
        self._place(self._from + (self._to - self._from) * t)
        if self._frame >= GLIDE_FRAMES:
            self._timer.stop()
            self.plot.getPlotItem().autoRange(padding=0.05)

    def _place(self, coords: np.ndarray) -> None:
        self._shown = coords
        data = self.points.data
        if self._placed is self._brushes and len(data) == len(coords):
            # the same points moved: new positions in place (setData rebuilds every spot,
            # a tenth of a second for 10,000)
            data["x"], data["y"] = coords[:, 0], coords[:, 1]
            self.points.prepareGeometryChange()
            self.points.informViewBoundsChanged()
            self.points.bounds = [None, None]
            self.points.invalidate()
        else:
            self.points.setData(
                x=coords[:, 0], y=coords[:, 1], brush=self._brushes, data=np.arange(len(coords))
            )
            self._placed = self._brushes
        self.trails.draw(coords)
        self._draw_ring()

    def _draw_ring(self) -> None:
        i = self._selected
        if self._shown is None or i is None or not 0 <= i < len(self._shown):
            self.ring.clear()
            return
        self.ring.setData(x=[self._shown[i, 0]], y=[self._shown[i, 1]])

    # -- the selected sample ------------------------------------------------------------
    def set_selected_sample(self, index: int | None) -> None:
        self._selected = index
        self._draw_ring()

    def selected_sample(self) -> int | None:
        return self._selected

    def _clicked(self, _item, spots, _event=None) -> None:
        if len(spots):
            index = int(spots[0].data())
            self.set_selected_sample(index)
            self.sampleSelected.emit(index)

    def point_position(self, index: int) -> tuple[float, float] | None:
        """Where test sample ``index`` is drawn, in plot coordinates."""
        if self._shown is None or not 0 <= index < len(self._shown):
            return None
        return float(self._shown[index, 0]), float(self._shown[index, 1])
