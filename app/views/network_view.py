"""TF Playground's network diagram: a column of small heatmaps per layer, joined by
the weights.

Each neuron is a square showing its output over the input plane (orange -1, white 0,
blue +1, the boundary view's colours); each weight is a line coloured by its sign
(blue positive, orange negative) and as thick as its size. The scene is built once
per graph (``set_graph``); snapshots only change images and pens, so a redraw costs
a few milliseconds. Hovering a neuron reports it (``neuronHovered``) so the window can
show its map large; clicking a line (or a neuron, for its bias) opens a small inline
editor whose Enter asks for the new value (``weightEditRequested``).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QGraphicsSimpleTextItem,
    QLabel,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from app.look import theme
from app.look.text_scale import text_scale
from app.views.network_chain import diagram_chain
from app.views.network_items import (  # noqa: F401 - re-exported: tests and callers use them
    _FEATURE_LABELS,
    BOUNDED,
    BOX,
    COLUMN,
    HEADER,
    HEADER_PX,
    LABEL_PX,
    MAX_SCALE,
    NEURON_MAP_SIZE,
    NOTE,
    ROW,
    SKIP_DROP,
    DiagramCanvas,
    DiagramScene,
    NeuronItem,
    ResidualItem,
    ValueEditor,
    WeightItem,
    _Column,
    feature_maps,
    field_rgb,
    scaled_field,
    show_maps,
    weight_pen,
)
from app.views.saving import SavingMenuMixin
from app.views.weight_lines import WeightLines
from engine.graph.mlp import describe_mlp
from engine.train.events import Snapshot


class QtNetworkView(SavingMenuMixin, QWidget):
    subscriptionsChanged = Signal()  # its probes never change; the registry asks for it
    view_name = "network"
    # S-GUI: a snapshot changes only pixmaps (and pens when weights come, ~12/s), so the
    # area draws it at the display rate (app.views.area)
    redraws_every_snapshot = True
    neuronHovered = Signal(str, int)  # node id and unit; ("", -1) when the pointer leaves
    weightEditRequested = Signal(str, tuple, float)  # state-dict key, index, new value

    def __init__(self, graph=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = DiagramScene(self)
        self.canvas = DiagramCanvas(self.scene, self)
        self.note = QLabel(NOTE)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        theme.follow(self.note, lambda w, t: w.setStyleSheet(f"color: {t.muted}; padding: 12px;"))
        theme.follow(self, QtNetworkView._recolour_text, now=False)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stack)
        self.editor = ValueEditor(self.canvas.viewport(), self._commit_edit)
        self._step: float | None = None
        self._editing: tuple[str, tuple] | None = None
        self._text_scale = text_scale()  # S-L1: presentation mode's larger text

        self.columns: list[_Column] = []
        self.weights: dict[str, WeightLines] = {}  # state-dict key -> its lines
        self.residuals: list[ResidualItem] = []  # one per residual hidden layer
        self._skips: list[int] = []  # the residual hidden layers (1-based)
        self.features: list[str] = []
        self.output_id: str | None = None
        self.extent: float | None = None
        self._maps: dict[str, np.ndarray] = {}
        if graph is not None:
            self.set_graph(graph)

    # -- building ----------------------------------------------------------------
    @property
    def is_mlp(self) -> bool:
        return bool(self.columns)

    @property
    def neurons(self) -> list[NeuronItem]:
        return [n for c in self.columns for n in c.neurons]

    def column(self, node_id: str) -> _Column | None:
        return next((c for c in self.columns if c.node_id == node_id), None)

    def feature_label(self, unit: int) -> str:
        f = self.features[unit] if unit < len(self.features) else f"x{unit + 1}"
        return _FEATURE_LABELS.get(f, f)

    # -- the registry's view protocol (app.views.registry) ----------------------------
    def set_project(self, project, _dataset) -> None:
        self.set_graph(project.graph)

    def note_for(self, project, dataset) -> str | None:
        from app.views.sample_grid import network_note

        return network_note(dataset, project.graph)

    def subscriptions(self) -> dict[str, dict]:
        return {"neurons": {"size": NEURON_MAP_SIZE}, "weights": {}}

    def view_data(self) -> dict:
        """Every neuron's map (``map/<node>``, (units, h, w), row i is x2 ascending) and
        every weight and bias on show (``weight/<state-dict key>``)."""
        data = {f"map/{k}": v for k, v in self._maps.items()}
        for key, lines in self.weights.items():
            if len(lines) and not np.isnan(lines.values).any():
                rows = lines[-1].index[0] + 1
                data[f"weight/{key}"] = lines.values.reshape(rows, -1)
        for col in self.columns[1:]:
            if col.neurons and all(n.bias is not None for n in col.neurons):
                data[f"weight/layers.{col.dense_id}.bias"] = np.array([n.bias for n in col.neurons])
        return data

    def set_graph(self, graph) -> None:
        """Build the diagram for ``graph``; a graph that is not a plain layered
        perceptron gets a note instead."""
        self.editor.hide()
        self.scene.clear()
        self.columns, self.weights, self._maps, self.extent = [], {}, {}, None
        self.residuals = []
        shape = describe_mlp(graph) if graph is not None else None
        chain = diagram_chain(graph) if shape is not None else None
        if shape is None or chain is None:
            self.stack.setCurrentWidget(self.note)
            return
        self.stack.setCurrentWidget(self.canvas)
        features_id, pairs, head_id, self._skips = chain
        self.features = list(shape.features or ["x1", "x2"])
        self.output_id = head_id
        n = len(self.features)
        self.columns.append(
            _Column(
                features_id,
                None,
                n,
                "maxabs",
                f"{n} feature{'s' if n != 1 else ''}",
                [self.feature_label(i) for i in range(n)],
            )
        )
        for dense_id, act_id in pairs:
            units = graph.nodes[dense_id].params["units"]
            fn = graph.nodes[act_id].params.get("fn", "tanh")
            self.columns.append(
                _Column(
                    act_id,
                    dense_id,
                    units,
                    "clip" if fn in BOUNDED else "maxabs",
                    f"{units} neuron{'s' if units != 1 else ''}",
                )
            )
        scale = {"bce": "logit", "mse": "clip"}.get(shape.loss, "maxabs")
        self.columns.append(_Column(head_id, head_id, shape.outputs, scale, "output"))
        self._layout()
        self.set_extent(6.0)
        self.canvas.fit()

    def _layout(self) -> None:
        """Create the items once; _place positions them."""
        header_font = QFont()
        header_font.setPixelSize(round(HEADER_PX * self._text_scale))
        header_font.setBold(True)
        label_font = QFont()
        label_font.setPixelSize(round(LABEL_PX * self._text_scale))
        self._text_zoom = 1.0
        for col in self.columns:
            col.header_item = QGraphicsSimpleTextItem(col.header)
            col.header_item.setFont(header_font)
            col.header_item.setBrush(QColor(theme.current().text))
            self.scene.addItem(col.header_item)
            for u in range(col.units):
                item = NeuronItem(self, col.node_id, u, col.dense_id)
                item.setZValue(2)
                self.scene.addItem(item)
                col.neurons.append(item)
                if col.labels:
                    label = QGraphicsSimpleTextItem(col.labels[u])
                    label.setFont(label_font)
                    label.setBrush(QColor(theme.current().text))
                    self.scene.addItem(label)
                    col.label_items.append(label)
        for i in range(1, len(self.columns)):
            left, right = self.columns[i - 1], self.columns[i]
            key = f"layers.{right.dense_id}.weight"
            lines = WeightLines(key)
            for r in range(right.units):
                for c in range(left.units):
                    self.scene.addItem(lines.add(self, (r, c)))
            self.weights[key] = lines
        for layer in self._skips:
            item = ResidualItem(layer)
            item.setZValue(1)
            self.scene.addItem(item)
            self.residuals.append(item)
        self._step = None
        self._place(COLUMN)

    def _place(self, step: float) -> None:
        """Position the columns ``step`` scene pixels apart (more when the widget is
        wide, so that a tall network fills it); nothing is created here."""
        if step == self._step:
            return
        self._step = step
        tallest = max(c.units for c in self.columns)
        for i, col in enumerate(self.columns):
            x = i * step
            top = HEADER + (tallest - col.units) * ROW / 2
            hw = col.header_item.boundingRect().width()
            hh = col.header_item.boundingRect().height()
            col.header_item.setPos(x + BOX / 2 - hw / 2, top - hh - 6)
            for u, item in enumerate(col.neurons):
                item.setPos(x, top + u * ROW)
            for u, label in enumerate(col.label_items):
                r = label.boundingRect()
                label.setPos(x - 6 - r.width(), top + u * ROW + BOX / 2 - r.height() / 2)
        for i in range(1, len(self.columns)):
            left, right = self.columns[i - 1], self.columns[i]
            for line in self.weights[f"layers.{right.dense_id}.weight"]:
                r, c = line.index
                a = left.neurons[c].pos() + QPointF(BOX, BOX / 2)
                b = right.neurons[r].pos() + QPointF(0, BOX / 2)
                line.move_to(a, b)
        for item in self.residuals:  # under the layer: its input column -> its column
            left, right = self.columns[item.layer - 1], self.columns[item.layer]
            a = left.neurons[-1].pos() + QPointF(BOX / 2, BOX + 3)
            b = right.neurons[-1].pos() + QPointF(BOX / 2, BOX + 3)
            item.place(a, b)

    def _fit_columns(self, width: float, height: float) -> None:
        """Spread the columns to the widget's shape: the diagram's height sets the
        zoom, the columns then share the width (between COLUMN and 2.5 COLUMN)."""
        if not self.columns or len(self.columns) < 2:
            return
        tallest = max(c.units for c in self.columns)
        scene_h = HEADER + tallest * ROW + 16 + (SKIP_DROP if self.residuals else 0)
        zoom = min(height / scene_h, MAX_SCALE)
        self._scale_text(max(zoom, 0.35))
        scene_h += max(0.0, self.columns[0].header_item.boundingRect().height() + 8 - HEADER)
        zoom = min(height / scene_h, MAX_SCALE)
        label_w = max((lb.boundingRect().width() for lb in self.columns[0].label_items), default=0) + 10
        room = width / max(zoom, 1e-6) - label_w - BOX - 40
        # never closer than the widest header ("16 neurons" at a projector's size) needs
        widest = max(c.header_item.boundingRect().width() for c in self.columns)
        least = max(COLUMN, widest + 24 / max(zoom, 0.35))  # 24 screen pixels between headers
        step = float(np.clip(room / (len(self.columns) - 1), least, max(least, 2.5 * COLUMN)))
        self._place(round(step))
        # too big for the panel, the diagram scrolls: show its top left (headers, inputs)
        QTimer.singleShot(0, self._show_top_left)  # once the scene's new size reached the bars

    def _show_top_left(self) -> None:
        for bar in (self.canvas.horizontalScrollBar(), self.canvas.verticalScrollBar()):
            bar.setValue(bar.minimum())

    def _recolour_text(self, t) -> None:
        for col in self.columns:
            for item in [col.header_item, *col.label_items]:
                item.setBrush(QColor(t.text))

    def _scale_text(self, zoom: float) -> None:
        """Keep the text HEADER_PX / LABEL_PX screen pixels high however far the diagram
        is zoomed out (a 16-16-16 network is drawn at under half size)."""
        zoom = min(zoom, 1.0)  # zoomed in, the text may grow with the boxes
        if abs(zoom - self._text_zoom) < 1e-3:
            return
        self._text_zoom = zoom
        for col in self.columns:
            items = [(col.header_item, HEADER_PX)] + [(lb, LABEL_PX) for lb in col.label_items]
            for item, px in items:
                font = item.font()
                font.setPixelSize(max(1, round(px * self._text_scale / zoom)))
                item.setFont(font)
        self._step = None  # the text's new size moves the labels and headers

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """S-L1: the application font changed (presentation mode on or off): the
        diagram's pixel-sized text follows the projector scale, and the layout refits."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and text_scale() != self._text_scale:
            self._text_scale = text_scale()
            if self.columns:
                zoom, self._text_zoom = self._text_zoom, -1.0  # size the text again
                self._scale_text(zoom)
                self.canvas.fit()

    def set_extent(self, extent: float) -> None:
        """The input plane the maps cover: [-extent, extent]² (the input features'
        maps are computed here)."""
        if not self.columns or extent == self.extent:
            return
        self.extent = float(extent)
        col = self.columns[0]
        maps = feature_maps(self.features, self.extent, NEURON_MAP_SIZE)
        self._maps[col.node_id] = maps
        for item, m in zip(col.neurons, maps, strict=True):
            item.set_map(m, col.scale)

    # -- live values ---------------------------------------------------------------
    def show_snapshot(self, snapshot: Snapshot) -> None:
        """Update the maps and weights in place (the scene is never rebuilt here)."""
        if not self.columns:
            return
        self.set_extent(snapshot.extent)
        if snapshot.neurons:
            for col in self.columns[1:]:
                maps = snapshot.neurons.get(col.node_id)
                if maps is None or len(maps) != col.units:
                    continue
                self._maps[col.node_id] = maps
                show_maps(col.neurons, maps, col.scale)
        if snapshot.weights:
            self.set_weights(snapshot.weights)

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        for key, lines in self.weights.items():
            w = weights.get(key)
            if w is None or w.size != len(lines):
                continue
            lines.show(w)  # row-major: lines are in (row, column) order
        for col in self.columns[1:]:
            b = weights.get(f"layers.{col.dense_id}.bias")
            if b is None or len(b) != col.units:
                continue
            for item, value in zip(col.neurons, np.asarray(b).reshape(-1), strict=True):
                item.bias = float(value)

    def neuron_map(self, node_id: str, unit: int) -> np.ndarray | None:
        """The latest raw map of one neuron ((size, size), row i is y ascending)."""
        maps = self._maps.get(node_id)
        if maps is None or not 0 <= unit < len(maps):
            return None
        return maps[unit]

    def weight_item(self, key: str, index: tuple[int, int]) -> WeightItem | None:
        return next((w for w in self.weights.get(key, []) if w.index == tuple(index)), None)

    # -- editing -------------------------------------------------------------------
    def open_editor(self, key: str, index: tuple, value: float | None, scene_pos: QPointF):
        self._editing = (key, tuple(int(i) for i in index))
        self.editor.open_at(
            "" if value is None else f"{value:.4g}",
            f"{key}{list(self._editing)}: type a value, Enter to set it",
            self.canvas.mapFromScene(scene_pos),
        )

    def _commit_edit(self) -> None:
        if self._editing is None:
            return
        try:
            value = float(self.editor.text().replace(",", "."))
        except ValueError:
            return
        key, index = self._editing
        self._editing = None
        self.editor.hide()
        if key.endswith(".weight"):
            line = self.weight_item(key, index)
            if line is not None:
                line.set_value(value)  # shown now; the next snapshot confirms it
        self.weightEditRequested.emit(key, index, value)


__all__ = [
    "NEURON_MAP_SIZE",
    "NOTE",
    "QtNetworkView",
    "ResidualItem",
    "feature_maps",
    "field_rgb",
    "scaled_field",
    "weight_pen",
]
