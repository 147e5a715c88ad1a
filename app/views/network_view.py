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

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QDoubleValidator,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPixmapItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QLabel,
    QLineEdit,
    QStackedLayout,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.views.boundary_view import BLUE, ORANGE, POINT_MAP
from engine.graph.mlp import describe_mlp, layer_chain
from engine.train.events import Snapshot

NEURON_MAP_SIZE = 24  # the neuron maps' resolution the window must ask for (SetProbes)
NOTE = "This network is not a plain layered perceptron; open it in the node editor."

BOX = 40.0  # a neuron's square, in scene pixels
ROW = 54.0  # vertical distance between neurons of a column
COLUMN = 130.0  # horizontal distance between columns
HEADER = 34.0  # room above the tallest column for the headers
MAX_SCALE = 1.6  # the diagram grows with the widget up to this zoom
MIN_PEN, MAX_PEN, PEN_PER_UNIT = 0.6, 7.0, 2.2  # line width = |w| * PEN_PER_UNIT, clamped
HIT_WIDTH = 7.0  # lines are easier to hover and click than they are thick
SKIP_DROP = 30.0  # how far a residual skip's curve dips below its two columns
SKIP_COLOUR = QColor(140, 140, 140)

BOUNDED = {"tanh", "sigmoid", "step", "sine"}  # outputs within [-1, 1]: no rescaling
_LUT = POINT_MAP.getLookupTable(0.0, 1.0, 256, alpha=False).astype(np.uint8)  # (256, 3)
_FEATURE_FORMULAS = {
    "x1": lambda x1, x2: x1, "x2": lambda x1, x2: x2, "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2, "x1*x2": lambda x1, x2: x1 * x2,
    "sin x1": lambda x1, x2: np.sin(x1), "sin x2": lambda x1, x2: np.sin(x2),
}
_FEATURE_LABELS = {"x1": "X₁", "x2": "X₂", "x1^2": "X₁²", "x2^2": "X₂²", "x1*x2": "X₁X₂",
                   "sin x1": "sin(X₁)", "sin x2": "sin(X₂)"}


def scaled_field(values: np.ndarray, how: str) -> np.ndarray:
    """A map of raw outputs as values in [-1, 1] for the colour map.

    ``how``: "clip" (tanh-like outputs), "logit" (a BCE head: 2·sigmoid - 1, as the
    boundary view shows it) or "maxabs" (unbounded outputs, scaled symmetrically so
    that 0 stays white)."""
    v = np.asarray(values, np.float32)
    if how == "logit":
        return np.tanh(v / 2)
    if how == "maxabs":
        m = float(np.nanmax(np.abs(v))) if v.size else 0.0
        return v / m if m > 1e-12 else np.zeros_like(v)
    return np.clip(v, -1.0, 1.0)


def field_rgb(field: np.ndarray) -> np.ndarray:
    """(h, w) values in [-1, 1] -> (h, w, 3) uint8 colours, rows flipped so that y
    points up (row 0 of the probes is the bottom of the plane)."""
    idx = np.clip(np.nan_to_num((field + 1.0) * 127.5), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(_LUT[idx[::-1]])


def feature_maps(features: list[str], extent: float, size: int) -> np.ndarray:
    """(len(features), size, size) values of the input features over the plane, in
    the probes' layout (row i is y ascending, column j x ascending)."""
    axis = np.linspace(-extent, extent, size, dtype=np.float32)
    x2, x1 = np.meshgrid(axis, axis, indexing="ij")
    return np.stack([_FEATURE_FORMULAS[f](x1, x2) for f in features]).astype(np.float32)


def weight_pen(w: float) -> QPen:
    colour = QColor(*(BLUE if w >= 0 else ORANGE))
    pen = QPen(colour, float(np.clip(abs(w) * PEN_PER_UNIT, MIN_PEN, MAX_PEN)))
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


@dataclass
class _Column:
    node_id: str  # whose map the boxes show and what neuronHovered reports
    dense_id: str | None  # the Dense node whose bias the boxes have (None for inputs)
    units: int
    scale: str  # "clip", "logit" or "maxabs"
    header: str
    labels: list[str] = field(default_factory=list)
    neurons: list[NeuronItem] = field(default_factory=list)
    label_items: list = field(default_factory=list)
    header_item: QGraphicsSimpleTextItem | None = None


class NeuronItem(QGraphicsPixmapItem):
    """One neuron: its map as a BOX-sized image with a frame. ``values`` holds the raw
    map last shown, ``rgb`` the colours drawn."""

    def __init__(self, view: QtNetworkView, node_id: str, unit: int, dense_id: str | None):
        super().__init__()
        self.view, self.node_id, self.unit, self.dense_id = view, node_id, unit, dense_id
        self.values: np.ndarray | None = None
        self.rgb: np.ndarray | None = None
        self.bias: float | None = None
        self.setAcceptHoverEvents(True)
        self.setTransformationMode(Qt.TransformationMode.FastTransformation)
        self.setShapeMode(QGraphicsPixmapItem.ShapeMode.BoundingRectShape)
        self.frame = QGraphicsRectItem(0, 0, BOX, BOX, self)
        self.frame.setPen(QPen(QColor("#777"), 1.0))
        self.frame.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.frame.setAcceptHoverEvents(False)
        blank = QPixmap(int(BOX), int(BOX))
        blank.fill(QColor(245, 245, 245))
        self.setPixmap(blank)

    @property
    def bias_key(self) -> str | None:
        return f"layers.{self.dense_id}.bias" if self.dense_id else None

    def set_map(self, values: np.ndarray, scale: str) -> None:
        self.values = values
        self.rgb = field_rgb(scaled_field(values, scale))
        h, w, _ = self.rgb.shape
        image = QImage(self.rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self.setPixmap(QPixmap.fromImage(image))  # copies, so rgb may be freed
        self.setScale(BOX / max(h, w))
        self.frame.setScale(max(h, w) / BOX)

    def tooltip(self) -> str:
        if self.dense_id is None:
            return f"input {self.view.feature_label(self.unit)}"
        head = "output" if self.node_id == self.view.output_id else f"{self.node_id} unit {self.unit + 1}"
        bias = "—" if self.bias is None else f"{self.bias:.4g}"
        return f"{head}\nbias {bias}\n(click to edit the bias)"

    def hoverEnterEvent(self, event) -> None:
        self.frame.setPen(QPen(QColor("#222"), 2.0))
        self.view.neuronHovered.emit(self.node_id, self.unit)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.frame.setPen(QPen(QColor("#777"), 1.0))
        self.view.neuronHovered.emit("", -1)
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.bias_key:
            self.view.open_editor(self.bias_key, (self.unit,), self.bias, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)


class WeightItem(QGraphicsLineItem):
    """One weight: ``key`` and ``index`` as in the state dict (row = unit of the
    layer on the right, column = unit on the left)."""

    def __init__(self, view: QtNetworkView, key: str, index: tuple[int, int], a: QPointF,
                 b: QPointF):
        super().__init__()
        self._rect: QRectF | None = None  # boundingRect, asked for thousands of times a second
        self.setLine(a.x(), a.y(), b.x(), b.y())
        self.view, self.key, self.index = view, key, index
        self.value: float | None = None
        self.setAcceptHoverEvents(True)
        self.setPen(QPen(QColor(200, 200, 200), MIN_PEN))

    def set_value(self, w: float) -> None:
        self.value = float(w)
        pen = weight_pen(self.value)
        if pen != self.pen():  # an unchanged pen would still re-index the item
            self.setPen(pen)

    def move_to(self, a: QPointF, b: QPointF) -> None:
        self.prepareGeometryChange()
        self._rect = None
        self.setLine(a.x(), a.y(), b.x(), b.y())

    def shape(self) -> QPainterPath:
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(max(self.pen().widthF(), HIT_WIDTH))
        return stroker.createStroke(path)

    def boundingRect(self) -> QRectF:
        if self._rect is None:  # pens are at most HIT_WIDTH wide (MAX_PEN): the line decides
            pad = max(MAX_PEN, HIT_WIDTH) / 2 + 1
            self._rect = QRectF(self.line().p1(), self.line().p2()).normalized().adjusted(
                -pad, -pad, pad, pad)
        return self._rect

    def tooltip(self) -> str:
        value = "—" if self.value is None else f"{self.value:.4g}"
        return f"weight {value}\n{self.key}[{self.index[0]}, {self.index[1]}]\n(click to edit)"

    def hoverEnterEvent(self, event) -> None:
        self.setZValue(1)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        self.setZValue(0)
        super().hoverLeaveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.view.open_editor(self.key, self.index, self.value, event.scenePos())
            event.accept()
            return
        super().mousePressEvent(event)


class ResidualItem(QGraphicsPathItem):
    """A residual skip of hidden layer ``layer`` (1-based): a dashed grey curve under
    the layer, from its input's column to its own, with an arrow head. It carries no
    weight: the Add node sums the layer's input and output unchanged."""

    def __init__(self, layer: int) -> None:
        super().__init__()
        self.layer = layer
        pen = QPen(SKIP_COLOUR, 1.6, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)
        self.setAcceptHoverEvents(True)

    def place(self, a: QPointF, b: QPointF) -> None:
        """Curve from ``a`` (under the input column) to ``b`` (under the layer's)."""
        dip = max(a.y(), b.y()) + SKIP_DROP
        path = QPainterPath(a)
        path.cubicTo(QPointF(a.x(), dip), QPointF(b.x(), dip), b)
        head = 6.0  # the arrow's head, pointing up into the layer's column
        path.moveTo(b.x() - head * 0.6, b.y() + head)
        path.lineTo(b)
        path.lineTo(b.x() + head * 0.6, b.y() + head)
        self.prepareGeometryChange()
        self.setPath(path)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(HIT_WIDTH)
        return stroker.createStroke(self.path())

    def tooltip(self) -> str:
        return f"residual: adds layer {self.layer}'s input to its output"


class _Canvas(QGraphicsView):
    """The scene's view: fits the diagram (zooming up to MAX_SCALE) and shows the
    items' tooltips, which are written when asked so that snapshots stay cheap."""

    def __init__(self, scene: QGraphicsScene, parent: QtNetworkView) -> None:
        super().__init__(scene, parent)
        self.parent_view = parent
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setMouseTracking(True)
        self.setBackgroundBrush(QBrush(QColor("white")))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def fit(self) -> None:
        vp = self.viewport().size()
        self.parent_view._fit_columns(vp.width(), vp.height())
        rect = self.scene().itemsBoundingRect().adjusted(-8, -8, 8, 8)
        self.setSceneRect(rect)
        if rect.isEmpty():
            return
        zoom = min(vp.width() / rect.width(), vp.height() / rect.height(), MAX_SCALE)
        zoom = max(zoom, 0.35)
        self.resetTransform()
        self.scale(zoom, zoom)
        self.centerOn(rect.center())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            item = self.itemAt(event.pos())
            while item is not None and not hasattr(item, "tooltip"):
                item = item.parentItem()
            if item is not None:
                QToolTip.showText(event.globalPos(), item.tooltip(), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)


class _Editor(QLineEdit):
    """The inline value editor: Enter accepts, Escape or leaving cancels."""

    def __init__(self, parent: QWidget, accept) -> None:
        super().__init__(parent)
        self._accept = accept
        self.setValidator(QDoubleValidator(-1e6, 1e6, 6, self))
        self.setFixedWidth(90)
        self.setStyleSheet("QLineEdit { background: white; border: 1px solid #0877bd;"
                           " padding: 1px 3px; }")
        self.returnPressed.connect(self._accept)
        self.hide()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.hide()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.hide()


class QtNetworkView(QWidget):
    neuronHovered = Signal(str, int)  # node id and unit; ("", -1) when the pointer leaves
    weightEditRequested = Signal(str, tuple, float)  # state-dict key, index, new value

    def __init__(self, graph=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.canvas = _Canvas(self.scene, self)
        self.note = QLabel(NOTE)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555; padding: 12px;")
        self.stack = QStackedLayout()
        self.stack.addWidget(self.canvas)
        self.stack.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stack)
        self.editor = _Editor(self.canvas.viewport(), self._commit_edit)
        self._step: float | None = None
        self._editing: tuple[str, tuple] | None = None

        self.columns: list[_Column] = []
        self.weights: dict[str, list[WeightItem]] = {}  # state-dict key -> its lines
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

    def set_graph(self, graph) -> None:
        """Build the diagram for ``graph``; a graph that is not a plain layered
        perceptron gets a note instead."""
        self.editor.hide()
        self.scene.clear()
        self.columns, self.weights, self._maps, self.extent = [], {}, {}, None
        self.residuals = []
        shape = describe_mlp(graph) if graph is not None else None
        chain = _chain(graph) if shape is not None else None
        if shape is None or chain is None:
            self.stack.setCurrentWidget(self.note)
            return
        self.stack.setCurrentWidget(self.canvas)
        features_id, pairs, head_id, self._skips = chain
        self.features = list(shape.features or ["x1", "x2"])
        self.output_id = head_id
        n = len(self.features)
        self.columns.append(_Column(features_id, None, n, "maxabs",
                                    f"{n} feature{'s' if n != 1 else ''}",
                                    [self.feature_label(i) for i in range(n)]))
        for dense_id, act_id in pairs:
            units = graph.nodes[dense_id].params["units"]
            fn = graph.nodes[act_id].params.get("fn", "tanh")
            self.columns.append(_Column(act_id, dense_id, units,
                                        "clip" if fn in BOUNDED else "maxabs",
                                        f"{units} neuron{'s' if units != 1 else ''}"))
        scale = {"bce": "logit", "mse": "clip"}.get(shape.loss, "maxabs")
        self.columns.append(_Column(head_id, head_id, shape.outputs, scale, "output"))
        self._layout()
        self.set_extent(6.0)
        self.canvas.fit()

    def _layout(self) -> None:
        """Create the items once; _place positions them."""
        header_font = QFont()
        header_font.setPointSizeF(9.5)
        header_font.setBold(True)
        label_font = QFont()
        label_font.setPointSizeF(9)
        for col in self.columns:
            col.header_item = QGraphicsSimpleTextItem(col.header)
            col.header_item.setFont(header_font)
            col.header_item.setBrush(QColor("#333"))
            self.scene.addItem(col.header_item)
            for u in range(col.units):
                item = NeuronItem(self, col.node_id, u, col.dense_id)
                item.setZValue(2)
                self.scene.addItem(item)
                col.neurons.append(item)
                if col.labels:
                    label = QGraphicsSimpleTextItem(col.labels[u])
                    label.setFont(label_font)
                    label.setBrush(QColor("#333"))
                    self.scene.addItem(label)
                    col.label_items.append(label)
        for i in range(1, len(self.columns)):
            left, right = self.columns[i - 1], self.columns[i]
            key = f"layers.{right.dense_id}.weight"
            lines = []
            for r in range(right.units):
                for c in range(left.units):
                    line = WeightItem(self, key, (r, c), QPointF(), QPointF())
                    self.scene.addItem(line)
                    lines.append(line)
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
            col.header_item.setPos(x + BOX / 2 - hw / 2, top - 24)
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
        label_w = max((lb.boundingRect().width() for lb in self.columns[0].label_items),
                      default=0) + 10
        room = width / max(zoom, 1e-6) - label_w - BOX - 40
        step = float(np.clip(room / (len(self.columns) - 1), COLUMN, 2.5 * COLUMN))
        self._place(round(step))

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
                for item, m in zip(col.neurons, maps, strict=True):
                    item.set_map(m, col.scale)
        if snapshot.weights:
            self.set_weights(snapshot.weights)

    def set_weights(self, weights: dict[str, np.ndarray]) -> None:
        for key, lines in self.weights.items():
            w = weights.get(key)
            if w is None or w.size != len(lines):
                continue
            w = np.asarray(w).reshape(-1)  # row-major: lines are in (row, column) order
            for line, value in zip(lines, w, strict=True):
                line.set_value(value)
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
        self.editor.setText("" if value is None else f"{value:.4g}")
        self.editor.setToolTip(f"{key}{list(self._editing)}: type a value, Enter to set it")
        p = self.canvas.mapFromScene(scene_pos)
        vp = self.canvas.viewport()
        x = min(max(p.x() + 6, 0), max(vp.width() - self.editor.width(), 0))
        y = min(max(p.y() - self.editor.sizeHint().height() - 4, 0),
                max(vp.height() - self.editor.sizeHint().height(), 0))
        self.editor.move(x, y)
        self.editor.show()
        self.editor.raise_()
        self.editor.setFocus()
        self.editor.selectAll()

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


def _chain(graph):
    """(features-column node id, [(dense id, activation id), ...], head id, residual
    hidden layers (1-based)) of a graph that describe_mlp accepts; the first id is the
    Input node's when there is no Features node."""
    chain = layer_chain(graph)
    if chain is None:
        return None
    first, ids = graph.nodes_of_type("Input")[0].id, [n.id for n in chain]
    if ids and graph.nodes[ids[0]].type == "Features":
        first, ids = ids[0], ids[1:]
    # a layer is Dense -> [BatchNorm] -> Activation -> [Dropout] -> [Add]: its column
    # is the Activation node, its weights the Dense node's; an Add makes it residual
    pairs, dense, skips = [], None, []
    for node_id in ids[:-1]:
        kind = graph.nodes[node_id].type
        if kind == "Dense":
            dense = node_id
        elif kind == "Activation" and dense is not None:
            pairs.append((dense, node_id))
            dense = None
        elif kind == "Add" and pairs:
            skips.append(len(pairs))
    return first, pairs, ids[-1], skips


__all__ = ["NEURON_MAP_SIZE", "NOTE", "QtNetworkView", "ResidualItem", "feature_maps", "field_rgb",
           "scaled_field", "weight_pen"]
